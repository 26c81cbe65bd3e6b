import { and, eq, sql, type SQL } from 'drizzle-orm';
import { type Db, queryRows } from '../../db.js';
import { qualifiedName } from '../../identifiers.js';
import { seenBatches } from '../../schema.js';
import { changeCountersTable } from './change-sequence.js';
import type { RecordTable } from './record-tables.js';

/**
 * Deletes are soft: a row gone at the provider keeps its payload, gets `deleted_at` and a new change number, so
 * the change feed reports it. Two sources: the provider says so (`softDeleteRecords`), or a full refresh ends
 * without having seen the row (`softDeleteUnseen`, from the ids each batch stored in `seen_batches`).
 */

/** Provider-reported deletions: soft-delete, counting only rows that were live. */
export async function softDeleteRecords(db: Db, t: RecordTable, connectionId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return softDelete(db, t, connectionId, sql`select r.id from ${qualifiedName(t.schema, t.table)} r
    where r.connection_id = ${connectionId} and r.deleted_at is null and r.id = any(${sql.param(ids)}::text[])`);
}

/**
 * Soft-deletes the rows `doomedIds` selects (live rows of the connection, one `id` column), each with its own
 * change number.
 */
async function softDelete(db: Db, t: RecordTable, connectionId: string, doomedIds: SQL): Promise<number> {
  const counters = changeCountersTable(t.schema);
  const rows = await queryRows<{ n: number | string }>(
    db,
    sql`with doomed as (
          select d.id, row_number() over (order by d.id) as k from (${doomedIds}) d
        ),
        seq as (update ${counters} set last_seq = last_seq + (select count(*) from doomed) where table_name = ${t.table} returning last_seq - (select count(*) from doomed) as base),
        gone as (
          update ${qualifiedName(t.schema, t.table)} r set deleted_at = now(), updated_at = now(), change_seq = (select base from seq) + d.k
          from doomed d where r.connection_id = ${connectionId} and r.id = d.id
          returning 1
        )
        select count(*) as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** End of a successful full refresh: whatever the run did not see is gone at the provider. */
export async function softDeleteUnseen(db: Db, t: RecordTable, connectionId: string, runId: string, stream: string): Promise<number> {
  // EXCEPT, not NOT EXISTS: the planner cannot estimate how many ids the unnested arrays hold, and for a
  // correlated NOT EXISTS it chose a nested loop that unnested every seen batch once per row — 80 s and more for
  // 60,000 rows (a run resumed after a graceful hand-back, on PostgreSQL). A set difference is always one hashed
  // or sorted pass over each side.
  const deleted = await softDelete(
    db,
    t,
    connectionId,
    sql`select r.id from ${qualifiedName(t.schema, t.table)} r where r.connection_id = ${connectionId} and r.deleted_at is null
        except
        select u.id from seen_batches b cross join lateral unnest(b.ids) as u(id) where b.run_id = ${runId} and b.stream = ${stream}`,
  );
  await clearSeen(db, runId, stream);
  return deleted;
}

/** Forgets the ids a run saw (of one stream, or all): the run is over, or it starts its streams afresh. */
export async function clearSeen(db: Db, runId: string, stream?: string): Promise<void> {
  await db.delete(seenBatches).where(stream ? and(eq(seenBatches.runId, runId), eq(seenBatches.stream, stream)) : eq(seenBatches.runId, runId));
}
