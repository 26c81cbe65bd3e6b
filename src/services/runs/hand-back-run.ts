import { sql } from 'drizzle-orm';
import { fromDrizzle, type DrizzleTransactionLike, type PgBoss } from 'pg-boss';
import type { Db } from '../../db/db.js';
import { handBackRunAttempt } from '../../db/queries/runs.js';
import { SYNC_QUEUE } from '../../jobs/job-queue.js';

/**
 * Puts a run stopped by this worker's shutdown back in the queue: PENDING again and a fresh job, in one
 * transaction (as requestRun does), so it is never PENDING without a job to resume it. The fresh job is
 * available at once and starts with its retries intact: a deploy is not a failure, and no one waits for a
 * heartbeat to expire. The job being handled then completes normally.
 *
 * `attempt` null: the run was fetched while the worker was stopping and never started here; only the job goes back.
 */
export async function handBackRun(db: Db, boss: PgBoss, runId: string, attempt: number | null): Promise<void> {
  await db.transaction(async (tx) => {
    if (attempt !== null && !(await handBackRunAttempt(tx, runId, attempt))) return;
    await boss.send(SYNC_QUEUE, { runId }, { db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql), singletonKey: runId });
  });
}
