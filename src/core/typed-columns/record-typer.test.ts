import { describe, expect, it } from 'vitest';
import { emptyObservations, hasShapeWork, planShape, RecordTyper, wantedFromObservations } from './record-typer.js';
import { TableShape, type TypedColumn } from './table-shape.js';

const declared: TypedColumn[] = [
  { name: 'number', path: ['number'], type: 'bigint', declared: true },
  { name: 'created_at', path: ['created_at'], type: 'timestamptz', declared: true },
  { name: 'user__login', path: ['user', 'login'], type: 'text', declared: true },
];

describe('RecordTyper', () => {
  it('finds nothing to do for records that fit, without variants', () => {
    const typer = new RecordTyper(new TableShape(declared), { depth: 2, maxColumns: 400 });
    const observations = emptyObservations();
    expect(typer.type({ number: 1, created_at: '2024-01-01T00:00:00Z', user: { login: 'a' }, body: null }, 'r1', observations)).toBeNull();
    expect(hasShapeWork(observations)).toBe(false);
  });

  it('keeps a declared misfit as a variant and reports new fields with their types', () => {
    const typer = new RecordTyper(new TableShape(declared), { depth: 1, maxColumns: 400 });
    const observations = emptyObservations();
    const variants = typer.type(
      { number: 'N-1', created_at: 'yesterday', user: { login: 'a', site_admin: false, address: { city: 'x' } }, score: 3, tags: ['a'] },
      'r1',
      observations,
    );
    expect(JSON.parse(variants!)).toEqual({ number: 'N-1', created_at: 'yesterday' });
    expect([...observations.misfits.keys()]).toEqual(['number', 'created_at']);
    expect(Object.fromEntries([...observations.added].map(([k, v]) => [k.split('\u0000').join('.'), v.type]))).toEqual({
      'user.site_admin': 'boolean',
      'user.address': 'jsonb',
      score: 'bigint',
      tags: 'jsonb',
    });
  });

  it('widens a new field across the batch, and an inferred column when a value no longer fits', () => {
    const shape = new TableShape([...declared, { name: 'score', path: ['score'], type: 'bigint', declared: false }]);
    const typer = new RecordTyper(shape, { depth: 2, maxColumns: 400 });
    const observations = emptyObservations();
    typer.type({ priority: 1, score: 2 }, 'r1', observations);
    typer.type({ priority: 'high', score: 2.5 }, 'r2', observations);
    expect(observations.added.get('priority')!.type).toBe('text');
    expect(observations.widened.get('score')).toEqual({ type: 'numeric', exampleId: 'r2' });

    const plan = planShape(shape, wantedFromObservations(shape, observations), 400);
    expect(plan.changes.map((c) => [c.kind, c.column.name, c.oldType, c.column.type])).toEqual([
      ['added', 'priority', null, 'text'],
      ['widened', 'score', 'bigint', 'numeric'],
    ]);
    // Against the widened shape, 2.5 fits: no variant left.
    typer.shape = new TableShape(plan.columns, 1);
    expect(typer.type({ priority: 'high', score: 2.5 }, 'r2', null)).toBeNull();
  });

  it('never widens a declared column from data, and stops adding columns at the cap', () => {
    const shape = new TableShape(declared);
    expect(planShape(shape, [{ path: ['number'], type: 'text', declared: false }], 400).changes).toEqual([]);
    // A schema that now declares a wider type does widen it.
    expect(planShape(shape, [{ path: ['number'], type: 'numeric', declared: true }], 400).changes[0]).toMatchObject({ kind: 'widened', oldType: 'bigint' });

    const typer = new RecordTyper(shape, { depth: 2, maxColumns: 4 });
    const observations = emptyObservations();
    typer.type({ a: 1, b: 2, c: 3 }, 'r1', observations);
    expect([...observations.added.keys()]).toEqual(['a']);
    expect(observations.capped).toEqual(['b']);
  });

  it('names new columns away from system columns and existing names', () => {
    const plan = planShape(new TableShape(declared), [
      { path: ['id'], type: 'bigint', declared: true },
      { path: ['userLogin'], type: 'text', declared: false },
      { path: ['user_login'], type: 'text', declared: false },
    ], 400);
    expect(plan.changes.map((c) => c.column.name)).toEqual(['source_id', 'user_login', 'user_login_2']);
  });
});
