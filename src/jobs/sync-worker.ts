import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { executeRun } from '../engine/execute-run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { SYNC_QUEUE, syncQueueOptions } from './job-queue.js';

export interface SyncWorkerOptions {
  /** Runs this process executes at once. */
  concurrency: number;
  pollingIntervalSeconds?: number;
}

/** Consumes sync jobs: each is one run, executed or resumed by the engine. */
export async function startSyncWorker(boss: PgBoss, deps: EngineDeps, options: SyncWorkerOptions): Promise<string> {
  return boss.work<{ runId: string }>(
    SYNC_QUEUE,
    {
      localConcurrency: options.concurrency,
      batchSize: 1,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
      includeMetadata: true,
    },
    async (jobs) => {
      const job = jobs[0] as JobWithMetadata<{ runId: string }> | undefined;
      if (!job) return;
      const final = job.retryCount >= (job.retryLimit ?? syncQueueOptions.retryLimit);
      const outcome = await executeRun(deps, job.data.runId, { final });
      // Throwing hands the job back to pg-boss, which retries it with backoff; the run resumes from its checkpoints.
      if (outcome.status === 'RETRY') throw new Error(outcome.error);
    },
  );
}
