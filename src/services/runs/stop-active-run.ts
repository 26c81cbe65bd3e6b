import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../db/db.js';
import { closeRunStreams, getActiveRun, getRunById, transitionRun, updateRun, type RunRow } from '../../db/queries/runs.js';

const terminal = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * Stops the connection's active run before its credentials go (disconnect). A run no worker has claimed is
 * cancelled at once; a running one is asked to stop and awaited: its worker sees the request at its next
 * heartbeat (a few seconds, aborting the request in flight) and ends it CANCELLED. The wait is bounded, for a
 * worker that died: the run's end can no longer change the connection's status then (settleConnectionStatus).
 * Returns the run as last seen, or undefined when there was none.
 */
export async function stopActiveRun(db: Db, connectionId: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<RunRow | undefined> {
  const active = await getActiveRun(db, connectionId);
  if (!active) return undefined;
  const now = new Date();
  const cancelled = await transitionRun(db, active.id, ['PENDING'], { status: 'CANCELLED', cancelRequestedAt: now, completedAt: now });
  if (cancelled) {
    await closeRunStreams(db, cancelled.id, cancelled.streams, 'CANCELLED', 'CANCELLED');
    return cancelled;
  }
  await updateRun(db, active.id, { cancelRequestedAt: now });
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const latest = await getRunById(db, active.id);
    if (!latest || terminal.has(latest.status) || Date.now() >= deadline) return latest;
    await delay(options.pollMs ?? 100);
  }
}
