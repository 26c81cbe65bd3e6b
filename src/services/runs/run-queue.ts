import type { Db } from '../../db/db.js';

/**
 * The port through which services hand a run to the job queue. `jobs/` implements it with pg-boss
 * (`pgBossRunQueue`); services never import the queue library, so a run can be requested from the API, the CLI,
 * a schedule or an MCP tool through the same function.
 */
export interface RunQueue {
  /**
   * Queues the job of a run inside the caller's transaction `tx`, so the run row and its job commit together
   * (a run never waits for a job that was never sent). At most one job per run is waiting at a time.
   */
  enqueueRun(tx: Db, runId: string): Promise<void>;
  /**
   * For a run whose worker is known to be gone: fails the run's job that is active now (fenced to that attempt,
   * with `reason` as its error), so the queue retries it, and lets that retry start at once rather than after
   * the retry delay (a dead process is not a failure that may recur). False when the run has no active job.
   */
  retryRunNow(runId: string, reason: string): Promise<boolean>;
}
