import { handBackRunAttempt } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Puts a run stopped by this worker's shutdown back in the queue: PENDING again and a fresh job, in one
 * transaction (as requestRun does), so it is never PENDING without a job to resume it. The fresh job is
 * available at once and starts with its retries intact: a deploy is not a failure, and no one waits for a
 * heartbeat to expire. The job being handled then completes normally.
 *
 * `attempt` null: the run was fetched while the worker was stopping and never started here; only the job goes back.
 */
export async function handBackRun(deps: Pick<ServiceDeps, 'db' | 'runQueue'>, input: { runId: string; attempt: number | null }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (input.attempt !== null && !(await handBackRunAttempt(tx, input.runId, input.attempt))) return;
    await deps.runQueue.enqueueRun(tx, input.runId);
  });
}
