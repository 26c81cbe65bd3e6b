import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { connections, runs } from '../../db/schema.js';
import { closeRunStreams } from '../../db/queries/runs.js';

/**
 * A run whose job was lost for good (its worker died on every retry, or the queue was wiped) would otherwise
 * stay RUNNING and block its connection forever. Runs heartbeat every few seconds while they work, and a
 * retried job waits at most a few minutes between attempts, so silence this long means nobody will finish it.
 */
export async function failAbandonedRuns(db: Db, now = new Date(), silenceMs = 15 * 60_000): Promise<string[]> {
  const cutoff = new Date(now.getTime() - silenceMs);
  const error = 'The worker running this run stopped responding and its retries are exhausted.';
  const failed = await db
    .update(runs)
    .set({ status: 'FAILED', error, errorKind: 'internal', completedAt: now })
    .where(
      and(
        inArray(runs.status, ['RUNNING', 'PENDING']),
        or(lt(runs.heartbeatAt, cutoff), and(isNull(runs.heartbeatAt), lt(runs.createdAt, new Date(now.getTime() - 24 * 3600_000)))),
      ),
    )
    .returning({ id: runs.id, connectionId: runs.connectionId, streams: runs.streams });
  for (const run of failed) {
    await closeRunStreams(db, run.id, run.streams, 'FAILED', 'SKIPPED', error);
    await db
      .update(connections)
      .set({ status: 'error', lastSyncStatus: 'FAILED', lastSyncError: 'The worker running the last sync stopped responding.', updatedAt: now })
      .where(and(eq(connections.id, run.connectionId), eq(connections.status, 'syncing')));
  }
  return failed.map((r) => r.id);
}
