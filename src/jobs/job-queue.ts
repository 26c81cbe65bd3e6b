import { PgBoss, fromPglite } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/open-database.js';

export const SYNC_QUEUE = 'tributary-sync';

/** Retries of a run's job: each resumes from the run's committed checkpoints. */
export const syncQueueOptions = {
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  // A worker that dies stops heartbeating; pg-boss's monitor then retries the job well within a minute,
  // instead of waiting for the (long) expiry that a large sync needs.
  heartbeatSeconds: 15,
  expireInSeconds: 24 * 3600,
} as const;

/** pg-boss on whichever database Tributary runs on: its own pool on PostgreSQL, the shared instance on PGlite. */
export async function startJobQueue(database: Database, logger: Logger, options: { supervise?: boolean } = {}): Promise<PgBoss> {
  const schema = `${database.schema}_jobs`;
  const supervise = options.supervise ?? true;
  const boss =
    database.driver.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(database.driver.client), backend: 'pglite', schema, supervise, monitorIntervalSeconds: 5 })
      : new PgBoss({ connectionString: database.driver.connectionString, schema, max: 4, supervise, monitorIntervalSeconds: 5 });
  boss.on('error', (error: unknown) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  if (!(await boss.getQueue(SYNC_QUEUE))) {
    try {
      await boss.createQueue(SYNC_QUEUE, { ...syncQueueOptions });
    } catch (error) {
      // Another process created it between our check and our create.
      if (!(await boss.getQueue(SYNC_QUEUE))) throw error;
    }
  }
  return boss;
}
