import type { Db } from '../../db/db.js';
import { markAbandonedSyncFailed } from '../../db/queries/connections.js';
import { closeRunStreams, failSilentRuns } from '../../db/queries/runs.js';

/**
 * A run whose job was lost for good (its worker died on every retry, or the queue was wiped) would otherwise
 * stay RUNNING and block its connection forever. Runs heartbeat every few seconds while they work, and a
 * retried job waits at most a few minutes between attempts, so silence this long means nobody will finish it.
 * A run that never heartbeated (never started) gets a day. Returns the ids of the runs ended FAILED.
 *
 * Positional `db` rather than `Pick<ServiceDeps, 'db'>`: the scheduler tick and the tests call it with a bare
 * handle, and it needs nothing else.
 */
export async function failAbandonedRuns(db: Db, now = new Date(), silenceMs = 15 * 60_000): Promise<string[]> {
  const cutoff = new Date(now.getTime() - silenceMs);
  const error = 'The worker running this run stopped responding and its retries are exhausted.';
  const failed = await failSilentRuns(db, cutoff, new Date(now.getTime() - 24 * 3600_000), { error, completedAt: now });
  for (const run of failed) {
    await closeRunStreams(db, run.id, run.streams, 'FAILED', 'SKIPPED', error);
    await markAbandonedSyncFailed(db, run.connectionId, 'The worker running the last sync stopped responding.', now);
  }
  return failed.map((r) => r.id);
}
