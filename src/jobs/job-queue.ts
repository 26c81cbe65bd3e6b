import { sql } from 'drizzle-orm';
import { PgBoss, fromDrizzle, fromPglite, type DrizzleTransactionLike } from 'pg-boss';
import type { Logger } from 'pino';
import type { Metrics } from '../contracts/metrics.js';
import type { Db } from '../db/db.js';
import type { Database } from '../db/open-database.js';
import type { RunQueue } from '../services/runs/run-queue.js';

export const SYNC_QUEUE = 'tributary-sync';

/** Retries of a run's job: each resumes from the run's committed checkpoints. */
export const syncQueueOptions = {
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  // pg-boss applies this backoff to every retry, a crashed worker's too, so it bounds how long a run waits to
  // resume after a crash: heartbeat expiry (≤ 15 s) + supervisor pass (≤ 5 s) + this delay. At 30 s, every
  // resume starts within a minute (5-10, 10-20, 20-30, 30, 30 s); transient provider errors were already
  // retried with backoff inside the attempt by the HTTP client, so longer job-level waits bought little.
  retryDelayMax: 30,
  // A worker that dies stops heartbeating; pg-boss's monitor then retries the job well within a minute,
  // instead of waiting for the (long) expiry that a large sync needs.
  heartbeatSeconds: 15,
  expireInSeconds: 24 * 3600,
} as const;

/** pg-boss on whichever database Tributary runs on: its own pool on PostgreSQL, the shared instance on PGlite. */
export async function startJobQueue(database: Database, logger: Logger, options: { supervise?: boolean; metrics?: Metrics | undefined } = {}): Promise<PgBoss> {
  const schema = `${database.schema}_jobs`;
  const supervise = options.supervise ?? true;
  // The supervisor's pass is what fails jobs whose heartbeat stopped (a dead worker) so they are retried.
  // pg-boss runs that pass every `superviseIntervalSeconds` (default 60) and the monitor at most that often, so
  // `monitorIntervalSeconds` alone does nothing below 60: both must be short for a crashed run to resume quickly.
  const timing = { supervise, superviseIntervalSeconds: 5, monitorIntervalSeconds: 5 };
  const boss =
    database.driver.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(database.driver.client), backend: 'pglite', schema, ...timing })
      : new PgBoss({ connectionString: database.driver.connectionString, schema, max: 4, ...timing });
  // pg-boss reports the failures of its own background work (maintenance, supervision, fetches, its pool's idle
  // connections) as this event and carries on; without a listener they would be lost (or, for the pool, crash).
  boss.on('error', (error: unknown) => {
    logger.error({ err: error }, 'job queue error');
    options.metrics?.backgroundError('job_queue');
  });
  await boss.start();
  if (!(await boss.getQueue(SYNC_QUEUE))) {
    try {
      await boss.createQueue(SYNC_QUEUE, { ...syncQueueOptions });
    } catch (error) {
      // Another process created it between our check and our create.
      if (!(await boss.getQueue(SYNC_QUEUE))) throw error;
    }
  }
  // Fill pg-boss's queue cache now, outside any transaction (createQueue evicts the entry, and only a worker's
  // first fetch would refill it; the periodic refresh takes a minute). On PGlite, pg-boss shares the one
  // connection: a cold cache lookup made by the `send` inside requestRun's transaction would wait for that very
  // transaction forever, hanging an API-only process on its first run request. A by-id lookup of a job that
  // cannot exist goes through that cache and costs one primary-key probe.
  await boss.getJobById(SYNC_QUEUE, '00000000-0000-0000-0000-000000000000');
  return boss;
}

/** The services' run queue (`RunQueue`) on pg-boss: a run's job is sent inside the caller's transaction, keyed by the run's id. */
export function pgBossRunQueue(boss: PgBoss): RunQueue {
  return {
    async enqueueRun(tx: Db, runId: string) {
      await boss.send(SYNC_QUEUE, { runId }, { db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql), singletonKey: runId });
    },
    async retryRunNow(runId: string, reason: string) {
      const jobs = (await boss.findJobs<{ runId: string }>(SYNC_QUEUE, { key: runId })).filter((job) => job.state === 'active');
      if (jobs.length === 0) return false;
      // Fenced to the attempt found active: if it has moved on meanwhile, nothing is failed.
      await boss.fail(SYNC_QUEUE, jobs.map((job) => ({ id: job.id, retryCount: job.retryCount })), { message: reason });
      // The retry delay is for a failure that may recur (a provider's outage); a dead process does not recur, so the
      // retry may start now. Ignoring a failed update is right: it fails only when the job is no longer waiting
      // (out of retries, or already taken), and then there is nothing to bring forward.
      for (const job of jobs) await boss.update({ name: SYNC_QUEUE, options: { id: job.id, startAfter: new Date() } }).catch(() => undefined);
      return true;
    },
  };
}
