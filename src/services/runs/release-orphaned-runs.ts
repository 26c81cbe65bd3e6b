import { hostname } from 'node:os';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { insertRunLog } from '../../db/queries/runs.js';
import { runLogs, runs } from '../../db/schema.js';
import { SYNC_QUEUE } from '../../jobs/job-queue.js';

/** Whether a process of this host is still there (EPERM: it is, but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a worker starts: a RUNNING run whose current attempt was started by a process of this very host that no
 * longer exists (killed, crashed, the machine's previous boot) is handed to a new attempt now, instead of after
 * pg-boss's heartbeat expiry and supervisor pass. Each attempt logs the process running it (`host:pid`, see
 * executeRun). Only what can be known for certain is released: a process on another host, or a pid now reused by
 * another process, looks alive and is left to the heartbeat expiry. In embedded mode every attempt ran on this host.
 */
export async function releaseOrphanedRuns(boss: PgBoss, db: Db, logger: Logger): Promise<string[]> {
  const here = hostname();
  const running = await db.select({ id: runs.id }).from(runs).where(eq(runs.status, 'RUNNING'));
  const released: string[] = [];
  for (const { id: runId } of running) {
    const [start] = await db
      .select({ data: runLogs.data })
      .from(runLogs)
      .where(and(eq(runLogs.runId, runId), sql`${runLogs.message} ~ '^(Run started|Resuming run)'`))
      .orderBy(desc(runLogs.id))
      .limit(1);
    const worker = typeof start?.data?.['worker'] === 'string' ? (start.data['worker'] as string) : null;
    const separator = worker?.lastIndexOf(':') ?? -1;
    if (!worker || separator < 0) continue;
    const pid = Number(worker.slice(separator + 1));
    if (worker.slice(0, separator) !== here || !Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    const jobs = (await boss.findJobs<{ runId: string }>(SYNC_QUEUE, { key: runId })).filter((job) => job.state === 'active');
    if (jobs.length === 0) continue;
    // Fenced to the attempt found active: if it has moved on meanwhile, nothing is failed.
    await boss.fail(SYNC_QUEUE, jobs.map((job) => ({ id: job.id, retryCount: job.retryCount })), { message: `worker ${worker} is gone` });
    // The retry delay is for a failure that may recur (a provider's outage); a dead process does not recur, so the
    // retry may start now. If the job is no longer waiting (out of retries, or already taken), nothing changes.
    for (const job of jobs) await boss.update({ name: SYNC_QUEUE, options: { id: job.id, startAfter: new Date() } }).catch(() => undefined);
    await insertRunLog(db, { runId, level: 'warn', message: `The process running this run (${worker}) is gone; a new attempt resumes it without waiting for its heartbeat to expire`, data: { worker } });
    logger.warn({ runId, worker }, 'released the run of a dead worker process');
    released.push(runId);
  }
  return released;
}
