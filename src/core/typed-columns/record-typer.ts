import { fits, kindOf, typeOfKind, widen, widenType, type ColumnType, type ValueKind } from './column-types.js';
import { columnNameFor } from './column-names.js';
import { pathKey, pathSeparator, TableShape, type TypedColumn } from './table-shape.js';

/** What a batch's records showed about the table's shape, beyond the per-record variants. */
export interface ShapeObservations {
  /** Fields without a column, by path key: the type their values need, and the first record that had one. */
  added: Map<string, { type: ColumnType; exampleId: string }>;
  /** Inferred columns whose values no longer fit: the type they would need. */
  widened: Map<string, { type: ColumnType; exampleId: string }>;
  /** Declared columns that got a value of another kind (kept in `_variants`): the first such record. */
  misfits: Map<string, { kind: ValueKind; exampleId: string }>;
  /** A field left out because the table has `maxColumns` typed columns already (the first one). */
  capped: string[] | null;
}

export function emptyObservations(): ShapeObservations {
  return { added: new Map(), widened: new Map(), misfits: new Map(), capped: null };
}

export function hasShapeWork(observations: ShapeObservations): boolean {
  return observations.added.size > 0 || observations.widened.size > 0;
}

export interface TyperOptions {
  /** Object levels flattened into `parent__child` columns; deeper objects land in one jsonb column. */
  depth: number;
  /** Typed columns per table at most (PostgreSQL allows 1,600 in all); further fields stay in `data` only. */
  maxColumns: number;
}

export const defaultFlattenDepth = 2;
export const maxFlattenDepth = 5;
export const defaultMaxColumns = 400;

/**
 * Types records against a table's shape as they enter a batch: for each one, the values that do not fit their
 * column (its `_variants`), and for the batch, the new fields and widenings the table needs before the batch
 * can be written. One walk over each record's fields, no allocation for records that fit.
 */
export class RecordTyper {
  constructor(
    public shape: TableShape,
    readonly options: TyperOptions,
  ) {}

  /**
   * The record's misfits as `{ column: original value }` JSON, or null when everything fits. With `observations`
   * null (a second look after the shape changed), new fields are ignored and every misfit is a variant.
   */
  type(record: Record<string, unknown>, id: string, observations: ShapeObservations | null): string | null {
    const variants: Record<string, unknown> = {};
    const found = this.walk(record, '', 0, id, observations, variants);
    return found ? JSON.stringify(variants) : null;
  }

  private walk(
    node: Record<string, unknown>,
    parentKey: string,
    level: number,
    id: string,
    observations: ShapeObservations | null,
    variants: Record<string, unknown>,
  ): boolean {
    let found = false;
    const byPath = this.shape.byPath;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (value === null || value === undefined) continue;
      const k = parentKey === '' ? key : parentKey + pathSeparator + key;
      const column = byPath.get(k);
      // Anything fits text and jsonb: no need to tell what kind of value it is (a date-time check per string).
      if (column && (column.type === 'text' || column.type === 'jsonb')) continue;
      if (typeof value === 'object' && !Array.isArray(value)) {
        if (column) {
          if (!fits('object', column.type)) found = this.misfit(column, 'object', value, id, observations, variants) || found;
        } else if (level < this.options.depth) {
          found = this.walk(value as Record<string, unknown>, k, level + 1, id, observations, variants) || found;
        } else if (observations) {
          this.added(k, 'object', id, observations);
        }
        continue;
      }
      const kind = kindOf(value);
      if (column) {
        if (!fits(kind, column.type)) found = this.misfit(column, kind, value, id, observations, variants) || found;
      } else if (observations && kind !== 'null') {
        this.added(k, kind, id, observations);
      }
    }
    return found;
  }

  private misfit(
    column: TypedColumn,
    kind: ValueKind,
    value: unknown,
    id: string,
    observations: ShapeObservations | null,
    variants: Record<string, unknown>,
  ): boolean {
    // Until the column is widened (or if it cannot be), the value is a variant; a widened batch is typed again.
    variants[column.name] = value;
    if (!observations) return true;
    if (column.declared) {
      if (!observations.misfits.has(column.name)) observations.misfits.set(column.name, { kind, exampleId: id });
      return true;
    }
    const seen = observations.widened.get(column.name);
    if (!seen) observations.widened.set(column.name, { type: widen(column.type, kind), exampleId: id });
    else if (!fits(kind, seen.type)) Object.assign(seen, { type: widen(seen.type, kind), exampleId: id });
    return true;
  }

  private added(key: string, kind: Exclude<ValueKind, 'null'>, id: string, observations: ShapeObservations): void {
    const seen = observations.added.get(key);
    if (seen) {
      // The example is the record that made the type what it is.
      if (!fits(kind, seen.type)) Object.assign(seen, { type: widen(seen.type, kind), exampleId: id });
      return;
    }
    // Past the cap, a field stays in `data` only; the plan records that once.
    if (this.shape.columns.length + observations.added.size >= this.options.maxColumns) {
      observations.capped ??= key.split(pathSeparator);
      return;
    }
    observations.added.set(key, { type: typeOfKind(kind), exampleId: id });
  }
}

/** A column the table should have: declared by the stream's schema, or seen in data. */
export interface WantedColumn {
  path: string[];
  type: ColumnType;
  declared: boolean;
  exampleId?: string | undefined;
}

export interface ShapeChange {
  kind: 'added' | 'widened';
  column: TypedColumn;
  oldType: ColumnType | null;
  exampleId?: string | undefined;
}

export interface ShapePlan {
  /** Every typed column after the changes, existing ones first. */
  columns: TypedColumn[];
  changes: ShapeChange[];
  /** Existing columns now declared by the schema (metadata only). */
  nowDeclared: TypedColumn[];
  /** Fields left without a column because the table reached `maxColumns`. */
  capped: string[][];
}

/**
 * What to change so `shape` holds `wanted`: missing columns are added (named from their path, unique in the
 * table); a column whose values need a wider type is widened, unless it is declared and the wish only comes
 * from data (then the misfits stay variants). A schema that now declares a wider type widens its column too.
 */
export function planShape(shape: TableShape, wanted: readonly WantedColumn[], maxColumns: number, reserved: ReadonlySet<string> = new Set()): ShapePlan {
  const columns = shape.columns.map((c) => ({ ...c }));
  const byPath = new Map(columns.map((c) => [pathKey(c.path), c]));
  const taken = new Set([...reserved, ...columns.map((c) => c.name)]);
  const changes: ShapeChange[] = [];
  const nowDeclared: TypedColumn[] = [];
  const capped: string[][] = [];
  for (const want of wanted) {
    const key = pathKey(want.path);
    const existing = byPath.get(key);
    if (existing) {
      if (existing.declared && !want.declared) continue;
      const target = widenType(existing.type, want.type);
      if (target !== existing.type) {
        changes.push({ kind: 'widened', column: { ...existing, type: target, declared: existing.declared || want.declared }, oldType: existing.type, exampleId: want.exampleId });
        existing.type = target;
      }
      if (want.declared && !existing.declared) {
        existing.declared = true;
        nowDeclared.push(existing);
      }
      continue;
    }
    if (columns.length >= maxColumns) {
      capped.push(want.path);
      continue;
    }
    const column: TypedColumn = { name: columnNameFor(want.path, taken), path: want.path, type: want.type, declared: want.declared };
    taken.add(column.name);
    columns.push(column);
    byPath.set(key, column);
    changes.push({ kind: 'added', column, oldType: null, exampleId: want.exampleId });
  }
  return { columns, changes, nowDeclared, capped };
}

/** The batch's observations as wanted columns. */
export function wantedFromObservations(shape: TableShape, observations: ShapeObservations): WantedColumn[] {
  const wanted: WantedColumn[] = [];
  for (const [key, seen] of observations.added) wanted.push({ path: key.split(pathSeparator), type: seen.type, declared: false, exampleId: seen.exampleId });
  for (const [name, seen] of observations.widened) {
    const column = shape.byName.get(name);
    if (column) wanted.push({ path: column.path, type: seen.type, declared: false, exampleId: seen.exampleId });
  }
  return wanted;
}
