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
  return softDelete(db, t, connectionId, sql`r.id = any(${sql.param(ids)}::text[])`);
}

/** Soft-deletes the connection's live rows matching `condition` (on `r`), each with its own change number. */
async function softDelete(db: Db, t: RecordTable, connectionId: string, condition: SQL): Promise<number> {
  const counters = changeCountersTable(t.schema);
  const rows = await queryRows<{ n: number | string }>(
    db,
    sql`with doomed as (
          select r.id, row_number() over (order by r.id) as k from ${qualifiedName(t.schema, t.table)} r
          where r.connection_id = ${connectionId} and r.deleted_at is null and ${condition}
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
  // The seen ids are a few hundred arrays: the anti-join unnests them into one hash table and scans the rows once.
  const deleted = await softDelete(
    db,
    t,
    connectionId,
    sql`not exists (select 1 from seen_batches b cross join lateral unnest(b.ids) as u(id) where b.run_id = ${runId} and b.stream = ${stream} and u.id = r.id)`,
  );
  await clearSeen(db, runId, stream);
  return deleted;
}

/** Forgets the ids a run saw (of one stream, or all): the run is over, or it starts its streams afresh. */
export async function clearSeen(db: Db, runId: string, stream?: string): Promise<void> {
  await db.delete(seenBatches).where(stream ? and(eq(seenBatches.runId, runId), eq(seenBatches.stream, stream)) : eq(seenBatches.runId, runId));
}
