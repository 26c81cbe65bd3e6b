import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { connectorOfRun } from '../db/queries/runs.js';
import { executeRun, type RunOutcome } from '../engine/execute-run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { handBackRun } from '../services/runs/hand-back-run.js';
import { SYNC_QUEUE, pgBossRunQueue, syncQueueOptions } from './job-queue.js';
import { releaseOrphanedRuns } from '../services/runs/release-orphaned-runs.js';

export interface SyncWorkerOptions {
  /** Runs this process executes at once. */
  concurrency: number;
  pollingIntervalSeconds?: number;
}

/**
 * Consumes sync jobs: each is one run, executed or resumed by the engine.
 *
 * A slot that finished a run fetches again at once instead of waiting out the rest of pg-boss's polling interval:
 * runs come in bunches (run-all, schedules falling due together), so after one there is most likely another.
 * Measured with 200 small runs on four slots, the wait capped throughput at ~8 runs/s (each ~0.2 s run followed by
 * ~0.3 s of sleep). The wake-up is pg-boss's own `notifyWorker`, given to this worker's slots of the sync queue
 * (the one that ran the job skips its delay; an idle one fetches, finds nothing when the queue is empty, and
 * goes back to polling).
 */
export async function startSyncWorker(boss: PgBoss, deps: EngineDeps, options: SyncWorkerOptions): Promise<string> {
  // Runs a killed process of this host left behind resume now rather than after their heartbeat expires.
  // Not fatal: those runs resume anyway once their heartbeat expires.
  const runQueue = pgBossRunQueue(boss);
  await releaseOrphanedRuns({ db: deps.db, runQueue, logger: deps.logger }).catch((error: Error) => {
    deps.logger.warn({ err: { message: error.message } }, 'could not release the runs of dead workers');
    deps.metrics?.backgroundError('orphaned_runs');
  });
  let workId = '';
  const fetchAgain = (): void => {
    for (const slot of boss.getWipData()) if (slot.workId === workId && slot.name === SYNC_QUEUE) boss.notifyWorker(slot.id);
  };
  workId = await boss.work<{ runId: string }>(
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
      deps.metrics?.runStarted();
      let outcome: RunOutcome | undefined;
      try {
        outcome = await executeRun(deps, job.data.runId, { final });
      } finally {
        await countRun(deps, job.data.runId, outcome);
      }
      // A shutdown: the run goes back to the queue at once (a fresh job), and this job completes.
      if (outcome.status === 'HANDED_BACK') return handBackRun({ db: deps.db, runQueue }, { runId: outcome.runId, attempt: outcome.attempt });
      // Throwing hands the job back to pg-boss, which retries it with backoff; the run resumes from its checkpoints.
      if (outcome.status === 'RETRY') throw new Error(outcome.error);
      fetchAgain();
    },
  );
  return workId;
}

async function countRun(deps: EngineDeps, runId: string, outcome: RunOutcome | undefined): Promise<void> {
  const metrics = deps.metrics;
  if (!metrics) return;
  const ended = outcome && (outcome.status === 'COMPLETED' || outcome.status === 'FAILED' || outcome.status === 'CANCELLED') ? outcome : undefined;
  const final = ended?.status;
  // The run's connection came with the outcome when the run got that far; only a run ended before that asks.
  // A failed look-up (the database away) leaves the run uncounted by connector rather than failing its job.
  const lookUp = () =>
    connectorOfRun(deps.db, runId).catch((error: unknown) => {
      deps.logger.warn({ runId, err: error }, 'could not read the connector of an ended run for its metrics');
      metrics.backgroundError('run_metrics');
      return undefined;
    });
  const connector = ended ? (ended.connector ?? (await lookUp())) : undefined;
  metrics.runStopped(connector, final);
}
