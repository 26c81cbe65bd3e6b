import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import { enqueueDueRuns } from '../services/runs/enqueue-due-runs.js';
import { pgBossRunQueue } from './job-queue.js';
import { failAbandonedRuns } from '../services/runs/fail-abandoned-runs.js';

export const TICK_QUEUE = 'tributary-schedule-tick';

/**
 * A pg-boss cron job ticks every minute; whichever process takes the tick enqueues the due runs. pg-boss
 * keeps one schedule per name across processes, so adding workers does not add ticks.
 */
export async function startScheduler(boss: PgBoss, db: Db, catalogStreams: (connectorId: string) => string[], logger: Logger): Promise<void> {
  if (!(await boss.getQueue(TICK_QUEUE))) {
    try {
      await boss.createQueue(TICK_QUEUE, { policy: 'singleton', retryLimit: 0, expireInSeconds: 300 });
    } catch (error) {
      if (!(await boss.getQueue(TICK_QUEUE))) throw error;
    }
  }
  await boss.schedule(TICK_QUEUE, '* * * * *');
  const runQueue = pgBossRunQueue(boss);
  await boss.work(TICK_QUEUE, { pollingIntervalSeconds: 2 }, async () => {
    const result = await enqueueDueRuns({ db, runQueue }, catalogStreams);
    if (result.triggered + result.skipped > 0) logger.info(result, 'scheduled runs enqueued');
    const abandoned = await failAbandonedRuns(db);
    if (abandoned.length > 0) logger.warn({ runs: abandoned }, 'abandoned runs marked FAILED');
  });
}
