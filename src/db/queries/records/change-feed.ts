import { sql, type SQL } from 'drizzle-orm';
import { type Db, queryRows, sqlState } from '../../db.js';
import { ident, qualifiedName } from '../../identifiers.js';
import type { ColumnType } from '../../../core/typed-columns/column-types.js';
import type { RecordTable } from './record-tables.js';

/** What the latest write did to a row: created it, changed it (or brought it back), or deleted it. */
export type ChangeKind = 'added' | 'updated' | 'deleted';
export const changeKinds: readonly ChangeKind[] = ['added', 'updated', 'deleted'];

export interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  first_seen_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  change: ChangeKind;
  change_seq: number;
}

export interface RecordPage {
  limit: number;
  /** The change number of the last row already read (the change feed's cursor). */
  afterSeq?: number | undefined;
  /** Which latest changes to return; default added and updated (live rows). */
  changes?: readonly ChangeKind[] | undefined;
  modifiedAfter?: Date | undefined;
  /**
   * Typed columns that must equal a value (null: be null). Column names and types must come from the table's
   * shape (the caller checks them against it), never from request input as such; values are parameters.
   */
  equals?: readonly ColumnEquals[] | undefined;
}

/** One equality condition on a typed column; jsonb columns have no equality here. */
export interface ColumnEquals {
  column: string;
  type: Exclude<ColumnType, 'jsonb'>;
  value: string | null;
}

// An insert sets both timestamps in one transaction; any later write moves updated_at.
const changeExpression = `case when deleted_at is not null then 'deleted' when updated_at = first_seen_at then 'added' else 'updated' end`;

const castableTypes: ReadonlySet<string> = new Set(['text', 'bigint', 'numeric', 'boolean', 'timestamptz']);

/**
 * The rows of some change kinds, said with the columns themselves rather than with `changeExpression`: PostgreSQL
 * cannot estimate a CASE (it guessed 200 of 20,000 rows and read the whole table, 2.8 s a page), while
 * `deleted_at is null` has statistics and walks the (connection_id, change_seq) index in order (27 ms).
 */
function kindCondition(kinds: readonly ChangeKind[]): SQL {
  const live = kinds.includes('added') && kinds.includes('updated')
    ? 'deleted_at is null'
    : kinds.includes('added')
      ? '(deleted_at is null and updated_at = first_seen_at)'
      : kinds.includes('updated')
        ? '(deleted_at is null and updated_at <> first_seen_at)'
        : undefined;
  const parts = [live, kinds.includes('deleted') ? 'deleted_at is not null' : undefined].filter((p): p is string => p !== undefined);
  return sql.raw(parts.length === 0 ? 'false' : `(${parts.join(' or ')})`);
}

function pageQuery(t: RecordTable, connectionId: string, page: RecordPage, data: SQL): SQL {
  const conditions: SQL[] = [sql`connection_id = ${connectionId}`];
  if (page.afterSeq !== undefined) conditions.push(sql`change_seq > ${page.afterSeq}`);
  const kinds = page.changes ?? ['added', 'updated'];
  if (kinds.length < changeKinds.length) conditions.push(kindCondition(kinds));
  if (page.modifiedAfter) conditions.push(sql`updated_at > ${page.modifiedAfter.toISOString()}::timestamptz`);
  for (const e of page.equals ?? []) {
    // The type is spliced into the statement: only ours, whatever the caller passed.
    if (!castableTypes.has(e.type)) throw new Error(`no equality on a column of type ${String(e.type)}`);
    conditions.push(e.value === null ? sql`${ident(e.column)} is null` : sql`${ident(e.column)} = cast(${e.value} as ${sql.raw(e.type)})`);
  }
  return sql`select id, ${data} as data, first_seen_at, updated_at, deleted_at, ${sql.raw(changeExpression)} as change, change_seq from ${qualifiedName(t.schema, t.table)}
      where ${sql.join(conditions, sql` and `)} order by change_seq limit ${page.limit}`;
}

type RawRow<D> = {
  id: string;
  data: D;
  first_seen_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
  change: ChangeKind;
  change_seq: number | string;
};

function withDates<D>(row: RawRow<D>): { id: string; data: D; first_seen_at: Date; updated_at: Date; deleted_at: Date | null; change: ChangeKind; change_seq: number } {
  return {
    id: row.id,
    data: row.data,
    first_seen_at: new Date(row.first_seen_at),
    updated_at: new Date(row.updated_at),
    deleted_at: row.deleted_at ? new Date(row.deleted_at) : null,
    change: row.change,
    change_seq: Number(row.change_seq),
  };
}

/** Keyset page of a connection's rows, ordered by id. */
export async function listRecords(db: Db, t: RecordTable, connectionId: string, page: RecordPage): Promise<StoredRecord[]> {
  const rows = await queryRows<RawRow<Record<string, unknown> | string>>(db, pageQuery(t, connectionId, page, sql`data`));
  return rows.map((row) => {
    const out = withDates(row);
    return { ...out, data: typeof out.data === 'string' ? (JSON.parse(out.data) as Record<string, unknown>) : out.data };
  });
}

/**
 * The same page with each payload as the JSON text the database holds, for responses that embed it as is: a
 * page of 100 GitHub issues is ~175 KB, and parsing it into objects only to serialise it again cost the API
 * more CPU than everything else about the request.
 */
export async function listRecordsJson(db: Db, t: RecordTable, connectionId: string, page: RecordPage): Promise<(Omit<StoredRecord, 'data'> & { data: string })[] | null> {
  try {
    const rows = await queryRows<RawRow<string>>(db, pageQuery(t, connectionId, page, sql`data::text`));
    return rows.map(withDates);
  } catch (error) {
    // The table is created by the stream's first sync; asking whether it exists first cost every page a query.
    if (sqlState(error) === '42P01') return null;
    throw error;
  }
}
