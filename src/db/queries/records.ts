import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { type Db, execute, ident, queryRows } from '../db.js';

/**
 * Each stream lands in its own table in the workspace's schema: the source primary key, the payload, a content
 * hash, and first-seen / updated / deleted timestamps, keyed by connection so several connections of one
 * connector share the table. Names and shapes come from our catalog, never from user input.
 */
export interface RecordTable {
  schema: string;
  table: string;
}

export interface RecordInput {
  id: string;
  json: string;
  hash: string;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export function recordTableName(connectorId: string, stream: string): string {
  return `${connectorId}_${stream}`;
}

export function contentHash(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 32);
}

function qualified(t: RecordTable): SQL {
  return sql`${ident(t.schema)}.${ident(t.table)}`;
}

export async function ensureRecordTable(db: Db, t: RecordTable): Promise<void> {
  await db.execute(sql`create schema if not exists ${ident(t.schema)}`);
  await db.execute(sql`create table if not exists ${qualified(t)} (
    connection_id text not null,
    id text not null,
    data jsonb not null,
    hash text not null,
    first_seen_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    primary key (connection_id, id)
  )`);
  await db.execute(sql`create index if not exists ${ident(`${t.table}_updated`)} on ${qualified(t)} (connection_id, updated_at, id)`);
}

/**
 * Writes one batch: stored hashes are fetched first and only new or changed rows are written (measured here:
 * twice the re-sync speed of letting the server compare). A soft-deleted row that comes back is revived.
 * `records` must have unique ids (the engine dedupes a batch, keeping the last version).
 */
export async function upsertRecords(db: Db, t: RecordTable, connectionId: string, records: RecordInput[]): Promise<WriteCounts> {
  if (records.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  const ids = records.map((r) => r.id);
  const stored = await queryRows<{ id: string; hash: string; deleted: boolean }>(
    db,
    sql`select id, hash, deleted_at is not null as deleted from ${qualified(t)}
        where connection_id = ${connectionId} and id = any(${sql.param(ids)}::text[])`,
  );
  const known = new Map(stored.map((row) => [row.id, row]));
  const changed: RecordInput[] = [];
  const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const record of records) {
    const previous = known.get(record.id);
    if (!previous) counts.created++;
    else if (previous.hash !== record.hash || previous.deleted) counts.updated++;
    else {
      counts.unchanged++;
      continue;
    }
    changed.push(record);
  }
  if (changed.length > 0) {
    const values = sql.join(
      changed.map((r) => sql`(${connectionId}, ${r.id}, ${r.json}::jsonb, ${r.hash})`),
      sql`, `,
    );
    await db.execute(sql`insert into ${qualified(t)} (connection_id, id, data, hash) values ${values}
      on conflict (connection_id, id) do update
      set data = excluded.data, hash = excluded.hash, updated_at = now(), deleted_at = null`);
  }
  return counts;
}

/** Provider-reported deletions: soft-delete, counting only rows that were live. */
export async function softDeleteRecords(db: Db, t: RecordTable, connectionId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return execute(
    db,
    sql`update ${qualified(t)} set deleted_at = now(), updated_at = now()
        where connection_id = ${connectionId} and id = any(${sql.param(ids)}::text[]) and deleted_at is null`,
  );
}

export async function markSeen(db: Db, runId: string, stream: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`insert into seen_records (run_id, stream, record_id)
    select ${runId}, ${stream}, unnest(${sql.param(ids)}::text[]) on conflict do nothing`);
}

/** End of a successful full refresh: whatever the run did not see is gone at the provider. */
export async function softDeleteUnseen(db: Db, t: RecordTable, connectionId: string, runId: string, stream: string): Promise<number> {
  // seen_records was filled during this run: without fresh statistics the planner expects it empty and picks a
  // nested loop that scans it once per row (measured: 23 s for 40k rows, instead of well under a second).
  await db.execute(sql`analyze seen_records`);
  const deleted = await execute(
    db,
    sql`update ${qualified(t)} r set deleted_at = now(), updated_at = now()
        where r.connection_id = ${connectionId} and r.deleted_at is null
          and not exists (select 1 from seen_records s where s.run_id = ${runId} and s.stream = ${stream} and s.record_id = r.id)`,
  );
  await clearSeen(db, runId, stream);
  return deleted;
}

export async function clearSeen(db: Db, runId: string, stream?: string): Promise<void> {
  await db.execute(
    stream
      ? sql`delete from seen_records where run_id = ${runId} and stream = ${stream}`
      : sql`delete from seen_records where run_id = ${runId}`,
  );
}

export interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  first_seen_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** Keyset page of a connection's rows, ordered by id. */
export async function listRecords(
  db: Db,
  t: RecordTable,
  connectionId: string,
  page: { limit: number; afterId?: string | undefined; includeDeleted: boolean; modifiedAfter?: Date | undefined },
): Promise<StoredRecord[]> {
  const conditions: SQL[] = [sql`connection_id = ${connectionId}`];
  if (page.afterId !== undefined) conditions.push(sql`id > ${page.afterId}`);
  if (!page.includeDeleted) conditions.push(sql`deleted_at is null`);
  if (page.modifiedAfter) conditions.push(sql`updated_at > ${page.modifiedAfter.toISOString()}::timestamptz`);
  const rows = await queryRows<StoredRecord>(
    db,
    sql`select id, data, first_seen_at, updated_at, deleted_at from ${qualified(t)}
        where ${sql.join(conditions, sql` and `)} order by id limit ${page.limit}`,
  );
  return rows.map((row) => ({
    ...row,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
    first_seen_at: new Date(row.first_seen_at),
    updated_at: new Date(row.updated_at),
    deleted_at: row.deleted_at ? new Date(row.deleted_at) : null,
  }));
}

export async function countRecords(db: Db, t: RecordTable, connectionId: string): Promise<{ live: number; deleted: number }> {
  if (!(await tableExists(db, t))) return { live: 0, deleted: 0 };
  const [row] = await queryRows<{ live: string | number; deleted: string | number }>(
    db,
    sql`select count(*) filter (where deleted_at is null) as live, count(*) filter (where deleted_at is not null) as deleted
        from ${qualified(t)} where connection_id = ${connectionId}`,
  );
  return { live: Number(row?.live ?? 0), deleted: Number(row?.deleted ?? 0) };
}

export async function tableExists(db: Db, t: RecordTable): Promise<boolean> {
  const rows = await queryRows<{ found: string | null }>(db, sql`select to_regclass(${`"${t.schema}"."${t.table}"`}) as found`);
  return Boolean(rows[0]?.found);
}
