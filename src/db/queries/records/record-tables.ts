import { sql } from 'drizzle-orm';
import { takeAdvisoryLock } from '../../advisory-locks.js';
import { type Db, queryRows } from '../../db.js';
import { ident, qualifiedName, quotedName } from '../../identifiers.js';
import { changeCountersTable } from './change-sequence.js';

/**
 * Each stream lands in its own table in the workspace's schema: the source primary key, the payload, a content
 * hash, and first-seen / updated / deleted timestamps, keyed by connection so several connections of one
 * connector share the table. Names and shapes come from our catalog, never from user input.
 */
export interface RecordTable {
  schema: string;
  table: string;
}

export function recordTableName(connectorId: string, stream: string): string {
  return `${connectorId}_${stream}`;
}

/**
 * The table a connection's stream lands in. Connections of one connector share `<connector>_<stream>` (rows are
 * keyed by connection), variants included; a variant with `config.createOwnTables` gets
 * `<connector>_<stream>__<label>` to itself.
 */
export function connectionTableName(connection: { connectorId: string; config: Record<string, unknown>; variantLabel: string | null; id: string }, stream: string): string {
  const base = recordTableName(connection.connectorId, stream);
  if (connection.config['createOwnTables'] !== true) return base;
  const suffix = (connection.variantLabel ?? connection.id).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'variant';
  // PostgreSQL cuts identifiers at 63 bytes; keep the suffix whole and unique.
  return `${base.slice(0, 60 - Math.min(suffix.length, 40))}__${suffix.slice(0, 40)}`;
}

/**
 * Creates the stream's table (and its schema and change counter) unless it exists. Tables from before the change
 * feed were given their `change_seq` by migration 0005.
 */
export async function ensureRecordTable(db: Db, t: RecordTable): Promise<void> {
  try {
    await createRecordTable(db, t);
  } catch (error) {
    // Seen once on PostgreSQL under a CI-level load (50 runs of one workspace starting together): a catalog unique
    // index (pg_namespace) refused the schema despite the lock below, cause not found. Whoever created it has
    // committed by the time we see the error, so one more pass finds everything in place.
    if (!isCatalogRace(error)) throw error;
    await createRecordTable(db, t);
  }
}

/** A unique violation on one of PostgreSQL's own catalog indexes: another creator of the same object won. */
function isCatalogRace(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const pg = e as { code?: unknown; constraint?: unknown };
    if (pg.code === '23505' && typeof pg.constraint === 'string' && pg.constraint.startsWith('pg_')) return true;
  }
  return false;
}

async function createRecordTable(db: Db, t: RecordTable): Promise<void> {
  if (await tableExists(db, t)) return;
  // `create … if not exists` is not safe against itself: two runs of one workspace starting together on
  // PostgreSQL both pass the check and one fails on a catalog unique index (pg_namespace, pg_type). A lock per
  // schema serialises the DDL; it is only taken while the table is missing, and the table and its index are
  // created in one transaction, so finding the table means the index is there too.
  await db.transaction(async (tx) => {
    await takeAdvisoryLock(tx, 'recordTableDdl', t.schema);
    await tx.execute(sql`create schema if not exists ${ident(t.schema)}`);
    await tx.execute(sql`create table if not exists ${qualifiedName(t.schema, t.table)} (
      connection_id text not null,
      id text not null,
      data jsonb not null,
      hash text not null,
      first_seen_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      change_seq bigint not null,
      primary key (connection_id, id)
    )`);
    await tx.execute(sql`create index if not exists ${ident(`${t.table}_updated`)} on ${qualifiedName(t.schema, t.table)} (connection_id, updated_at, id)`);
    await tx.execute(sql`create index if not exists ${ident(`${t.table}_changes`)} on ${qualifiedName(t.schema, t.table)} (connection_id, change_seq)`);
    await tx.execute(sql`create table if not exists ${changeCountersTable(t.schema)} (table_name text primary key, last_seq bigint not null default 0)`);
    await tx.execute(sql`insert into ${changeCountersTable(t.schema)} (table_name) values (${t.table}) on conflict do nothing`);
  });
}

/**
 * Fresh planner statistics for a record table after a stream run wrote `written` rows, when they are stale:
 * never gathered, or older than a tenth of the table (PostgreSQL's own autovacuum threshold). After a first sync
 * the statistics still describe an empty table, and the planner then reads a page of the change feed through a
 * bitmap scan and a sort of every row of the connection (measured: 17 ms at 20,000 rows, growing with the table)
 * instead of walking the primary key (0.1 ms). Autovacuum would fix it within a minute or so on PostgreSQL; PGlite
 * has no autovacuum at all. ANALYZE reads a bounded sample (30,000 rows): ~0.1 s on a large table, which is why a
 * small incremental run skips it.
 *
 * Only the columns the engine and the API filter and order on are analysed: statistics cost per column (~25 ms
 * each per 30,000 sampled rows, ~70 ms for a jsonb one), and a GitHub issue's 44 typed columns made a full ANALYZE
 * 1.4 s, 13× the system columns alone. Typed columns get theirs from autovacuum on PostgreSQL, or from an
 * `ANALYZE` of your own on PGlite.
 */
export async function analyzeIfStale(db: Db, t: RecordTable, written: number): Promise<boolean> {
  const [row] = await queryRows<{ tuples: number | string | null }>(
    db,
    sql`select reltuples as tuples from pg_class where oid = to_regclass(${quotedName(t.schema, t.table)})`,
  );
  const tuples = Number(row?.tuples ?? -1);
  if (tuples >= 0 && written < tuples * 0.1) return false;
  await db.execute(sql`analyze ${qualifiedName(t.schema, t.table)} (connection_id, id, updated_at, deleted_at, change_seq)`);
  return true;
}

export async function tableExists(db: Db, t: RecordTable): Promise<boolean> {
  const rows = await queryRows<{ found: string | null }>(db, sql`select to_regclass(${quotedName(t.schema, t.table)}) as found`);
  return Boolean(rows[0]?.found);
}
