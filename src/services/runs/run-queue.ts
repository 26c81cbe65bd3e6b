import type { Db } from '../../db/db.js';

/**
 * The port through which services hand a run to the job queue. `jobs/` implements it with pg-boss
 * (`pgBossRunQueue`); services never import the queue library, so a run can be requested from the API, the CLI,
 * a schedule or an MCP tool through the same function.
 */
export interface RunQueue {
  /**
   * Queues the job of a run inside the caller's transaction `tx`, so the run row and its job commit together
   * (a run never waits for a job that was never sent).
   */
  enqueueRun(tx: Db, runId: string): Promise<void>;
}
