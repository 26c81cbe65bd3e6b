import { sql, type SQL } from 'drizzle-orm';
import type { ColumnType } from '../../core/typed-columns/column-types.js';
import { columnTypes } from '../../core/typed-columns/column-types.js';
import type { ShapePlan } from '../../core/typed-columns/record-typer.js';
import { TableShape, type TypedColumn } from '../../core/typed-columns/table-shape.js';
import { takeAdvisoryLock } from '../advisory-locks.js';
import { type Db, queryRows } from '../db.js';
import { ident, qualifiedName, quoteIdent, quoteLiteral, quotedName } from '../identifiers.js';
import type { RecordTable } from './records/record-tables.js';

/**
 * The shape of record tables: their typed columns (name, payload path, type) in `<schema>._tributary_columns`, and
 * every change of shape (a column added or widened, a value kept as a variant, a field left out at the column cap)
 * in `<schema>._tributary_schema_changes`. Both live in the workspace's own schema beside the tables they
 * describe, created on first use, so granting SQL access to a workspace grants its history too.
 *
 * Every change of shape takes the same advisory lock per schema as `ensureRecordTable`, re-reads the shape under
 * it and applies only what is still missing: two runs writing one table (connection variants sharing tables, or
 * two workers) never race on an ALTER.
 */
const columnsTable = '_tributary_columns';
const changesTable = '_tributary_schema_changes';

export type ShapeChangeKind = 'added' | 'widened' | 'variant' | 'capped';

export interface ShapeEvent {
  kind: ShapeChangeKind;
  column: string | null;
  path: string[] | null;
  oldType: ColumnType | null;
  newType: ColumnType | null;
  exampleRecordId?: string | null | undefined;
  detail?: string | null | undefined;
}

const postgresTypes: Record<string, ColumnType> = {
  text: 'text',
  bigint: 'bigint',
  numeric: 'numeric',
  boolean: 'boolean',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamptz',
};

function meta(t: RecordTable, name: string): SQL {
  return qualifiedName(t.schema, name);
}

function qualified(t: RecordTable): SQL {
  return qualifiedName(t.schema, t.table);
}

/** A payload path for DDL (a backfill or a USING clause), where parameters cannot go. */
function pathLiteral(path: readonly string[]): string {
  return `array[${path.map(quoteLiteral).join(', ')}]::text[]`;
}

export interface LoadedShape {
  shape: TableShape;
  /** The table already has the `_variants` column and the metadata tables exist. */
  ready: boolean;
}

/** The typed columns the table has now: those recorded in the metadata whose column exists, with its real type. */
export async function loadTableShape(db: Db, t: RecordTable, version = 0): Promise<LoadedShape> {
  const [probe] = await queryRows<{ has_meta: boolean; has_variants: boolean }>(
    db,
    sql`select to_regclass(${quotedName(t.schema, columnsTable)}) is not null and to_regclass(${quotedName(t.schema, changesTable)}) is not null as has_meta,
               exists (select 1 from pg_attribute where attrelid = to_regclass(${quotedName(t.schema, t.table)}) and attname = '_variants' and not attisdropped) as has_variants`,
  );
  if (!probe?.has_meta) return { shape: new TableShape([], version), ready: false };
  const rows = await queryRows<{ name: string; path: string[]; declared: boolean; type: string }>(
    db,
    sql`select m.column_name as name, m.path, m.declared, format_type(a.atttypid, a.atttypmod) as type
        from ${meta(t, columnsTable)} m
        join pg_attribute a on a.attrelid = to_regclass(${quotedName(t.schema, t.table)}) and a.attname = m.column_name and not a.attisdropped
        where m.table_name = ${t.table}
        order by a.attnum`,
  );
  const columns: TypedColumn[] = [];
  for (const row of rows) {
    // A column someone retyped by hand to a type outside ours is left alone (not written).
    const type = postgresTypes[row.type];
    if (type) columns.push({ name: row.name, path: row.path, type, declared: row.declared });
  }
  return { shape: new TableShape(columns, version), ready: probe.has_variants };
}

async function ensureMetadata(db: Db, t: RecordTable): Promise<void> {
  await db.execute(sql`create table if not exists ${meta(t, columnsTable)} (
    table_name text not null,
    column_name text not null,
    path text[] not null,
    type text not null,
    declared boolean not null,
    added_at timestamptz not null default now(),
    primary key (table_name, column_name)
  )`);
  await db.execute(sql`create table if not exists ${meta(t, changesTable)} (
    seq bigint generated always as identity primary key,
    table_name text not null,
    column_name text,
    kind text not null,
    old_type text,
    new_type text,
    path text[],
    example_record_id text,
    connection_id text,
    run_id text,
    detail text,
    at timestamptz not null default now()
  )`);
  await db.execute(sql`create index if not exists ${ident(`${changesTable}_by_table`)} on ${meta(t, changesTable)} (table_name, seq)`);
}

/** Values for rows written before a column existed, computed in SQL; anything doubtful stays NULL (it is in `data`). */
function backfillExpression(schema: string, column: TypedColumn): string {
  const p = pathLiteral(column.path);
  switch (column.type) {
    case 'text':
      return `data #>> ${p}`;
    case 'jsonb':
      return `nullif(data #> ${p}, 'null'::jsonb)`;
    case 'bigint':
      return `case when jsonb_typeof(data #> ${p}) = 'number' and (data #>> ${p}) ~ '^-?[0-9]{1,18}$' then (data #>> ${p})::bigint end`;
    case 'numeric':
      return `case when jsonb_typeof(data #> ${p}) = 'number' then (data #>> ${p})::numeric end`;
    case 'boolean':
      return `case when jsonb_typeof(data #> ${p}) = 'boolean' then (data #>> ${p})::boolean end`;
    case 'timestamptz':
      return `case when jsonb_typeof(data #> ${p}) = 'string' and (data #>> ${p}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}' then ${quoteIdent(schema)}."_tributary_try_timestamptz"(data #>> ${p}) end`;
  }
}

/** How an existing column's values convert when it widens: from its old values, or again from the payload. */
function widenUsing(column: TypedColumn, oldType: ColumnType): string {
  if (oldType === 'bigint' && column.type === 'numeric') return `${quoteIdent(column.name)}::numeric`;
  if (column.type === 'jsonb') return `nullif(data #> ${pathLiteral(column.path)}, 'null'::jsonb)`;
  return `data #>> ${pathLiteral(column.path)}`;
}

export interface ApplyShapeInput {
  table: RecordTable;
  /** Given the shape as it is now (re-read under the lock), what to change. */
  plan: (current: TableShape) => ShapePlan;
  /** Version of the shape returned. */
  version: number;
  connectionId: string;
  runId: string;
}

/**
 * Brings the table to the planned shape in one transaction, under the schema's DDL lock: the `_variants` column
 * and the metadata tables if missing, then each added or widened column, its metadata and its change record.
 * Rows already in the table get the added columns filled from their payload. Returns the new shape.
 */
export async function applyTableShape(db: Db, input: ApplyShapeInput): Promise<TableShape> {
  const t = input.table;
  return db.transaction(async (tx) => {
    await takeAdvisoryLock(tx, 'recordTableDdl', t.schema);
    await ensureMetadata(tx, t);
    await tx.execute(sql`alter table ${qualified(t)} add column if not exists _variants jsonb`);
    const { shape: current } = await loadTableShape(tx, t);
    const plan = input.plan(current);
    const target = quotedName(t.schema, t.table);
    const added: TypedColumn[] = [];
    for (const change of plan.changes) {
      const c = change.column;
      if (!(columnTypes as readonly string[]).includes(c.type)) throw new Error(`Unknown column type ${c.type}`);
      if (change.kind === 'added') {
        await tx.execute(sql.raw(`alter table ${target} add column if not exists ${quoteIdent(c.name)} ${c.type}`));
        added.push(c);
      } else {
        await tx.execute(sql.raw(`alter table ${target} alter column ${quoteIdent(c.name)} type ${c.type} using ${widenUsing(c, change.oldType!)}`));
      }
      await tx.execute(sql`insert into ${meta(t, columnsTable)} (table_name, column_name, path, type, declared)
        values (${t.table}, ${c.name}, ${sql.param(c.path)}::text[], ${c.type}, ${c.declared})
        on conflict (table_name, column_name) do update set type = excluded.type, declared = excluded.declared`);
    }
    for (const c of plan.nowDeclared) {
      await tx.execute(sql`update ${meta(t, columnsTable)} set declared = true where table_name = ${t.table} and column_name = ${c.name}`);
    }
    const events: ShapeEvent[] = plan.changes.map((change) => ({
      kind: change.kind,
      column: change.column.name,
      path: change.column.path,
      oldType: change.oldType,
      newType: change.column.type,
      exampleRecordId: change.exampleId ?? null,
      detail: change.kind === 'added' ? (change.column.declared ? 'declared by the stream schema' : 'seen in data') : null,
    }));
    if (plan.capped.length > 0) {
      events.push({ kind: 'capped', column: null, path: plan.capped[0]!, oldType: null, newType: null, detail: `${plan.capped.length} field(s) beyond the column limit stay in data only` });
    }
    await insertShapeEvents(tx, t, events, input.connectionId, input.runId);
    if (added.length > 0) {
      const [row] = await queryRows<{ any: boolean }>(tx, sql`select exists (select 1 from ${qualified(t)}) as any`);
      if (row?.any) {
        if (added.some((c) => c.type === 'timestamptz')) {
          await tx.execute(sql.raw(`create or replace function ${quoteIdent(t.schema)}."_tributary_try_timestamptz"(value text) returns timestamptz language plpgsql immutable as $$
            begin return value::timestamptz; exception when others then return null; end $$`));
        }
        const sets = added.map((c) => `${quoteIdent(c.name)} = ${backfillExpression(t.schema, c)}`);
        await tx.execute(sql.raw(`update ${target} set ${sets.join(', ')}`));
      }
    }
    return new TableShape(plan.columns, input.version);
  });
}

/** Appends to the table's shape history (variants, the column cap) outside a shape change. */
export async function insertShapeEvents(db: Db, t: RecordTable, events: readonly ShapeEvent[], connectionId: string, runId: string): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(
    (e) =>
      sql`(${t.table}, ${e.column}, ${e.kind}, ${e.oldType}, ${e.newType}, ${e.path ? sql`${sql.param(e.path)}::text[]` : sql`null`}, ${e.exampleRecordId ?? null}, ${connectionId}, ${runId}, ${e.detail ?? null})`,
  );
  await db.execute(sql`insert into ${meta(t, changesTable)} (table_name, column_name, kind, old_type, new_type, path, example_record_id, connection_id, run_id, detail)
    values ${sql.join(rows, sql`, `)}`);
}

export interface StoredShapeChange {
  seq: number;
  kind: ShapeChangeKind;
  column: string | null;
  path: string[] | null;
  old_type: string | null;
  new_type: string | null;
  example_record_id: string | null;
  connection_id: string | null;
  run_id: string | null;
  detail: string | null;
  at: Date;
}

/** The table's shape history, oldest first; empty if the table was never typed. */
export async function listShapeChanges(db: Db, t: RecordTable, page: { limit: number; offset: number }): Promise<{ rows: StoredShapeChange[]; total: number }> {
  const [probe] = await queryRows<{ found: boolean }>(db, sql`select to_regclass(${quotedName(t.schema, changesTable)}) is not null as found`);
  if (!probe?.found) return { rows: [], total: 0 };
  const rows = await queryRows<Omit<StoredShapeChange, 'at' | 'seq'> & { seq: string | number; at: Date | string; total: string | number }>(
    db,
    sql`select seq, kind, column_name as column, path, old_type, new_type, example_record_id, connection_id, run_id, detail, at, count(*) over () as total
        from ${meta(t, changesTable)} where table_name = ${t.table} order by seq limit ${page.limit} offset ${page.offset}`,
  );
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && page.offset > 0) {
    const [count] = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from ${meta(t, changesTable)} where table_name = ${t.table}`);
    total = Number(count?.n ?? 0);
  }
  return {
    rows: rows.map(({ total: _total, ...r }) => ({ ...r, seq: Number(r.seq), at: new Date(r.at) })),
    total,
  };
}
