import { hostname } from 'node:os';
import { insertRunLog, latestAttemptStartData, listRunningRunIds } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';

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
 * the queue's heartbeat expiry and supervisor pass. Each attempt logs the process running it (`host:pid`, see
 * executeRun). Only what can be known for certain is released: a process on another host, or a pid now reused by
 * another process, looks alive and is left to the heartbeat expiry. In embedded mode every attempt ran on this host.
 * Returns the ids of the runs released.
 */
export async function releaseOrphanedRuns(deps: Pick<ServiceDeps, 'db' | 'runQueue' | 'logger'>): Promise<string[]> {
  const here = hostname();
  const released: string[] = [];
  for (const runId of await listRunningRunIds(deps.db)) {
    const data = await latestAttemptStartData(deps.db, runId);
    const worker = typeof data?.['worker'] === 'string' ? (data['worker'] as string) : null;
    const separator = worker?.lastIndexOf(':') ?? -1;
    if (!worker || separator < 0) continue;
    const pid = Number(worker.slice(separator + 1));
    if (worker.slice(0, separator) !== here || !Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    if (!(await deps.runQueue.retryRunNow(runId, `worker ${worker} is gone`))) continue;
    await insertRunLog(deps.db, { runId, level: 'warn', message: `The process running this run (${worker}) is gone; a new attempt resumes it without waiting for its heartbeat to expire`, data: { worker } });
    deps.logger.warn({ runId, worker }, 'released the run of a dead worker process');
    released.push(runId);
  }
  return released;
}
