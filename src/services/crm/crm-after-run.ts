import { getConnectionById, type ConnectionRow } from '../../db/queries/connections.js';
import { retryTransient, type DbRetryPolicy } from '../../db/retry-transient.js';
import type { ServiceDeps } from '../service-deps.js';
import { projectConnection } from './crm-projection.js';
import { logTributaryActivity } from './tributary-activity.js';

/**
 * What the end-of-run CRM steps need: the engine passes its own deps, which have these (services never name the
 * engine's types). `options.dbRetry` is how long a transient database failure is retried in place.
 */
export type AfterRunDeps = Pick<ServiceDeps, 'db' | 'catalog' | 'logger'> & { options: { dbRetry: DbRetryPolicy } };

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

/**
 * End of a successful run: what it wrote reaches the CRM, and a connection that had been failing says it
 * recovered. A projection problem is logged on the run but does not fail it: the records are synced, and the
 * next pass resumes from the same watermark.
 */
export async function projectAfterRun(
  deps: AfterRunDeps,
  connection: ConnectionRow,
  dataSchema: string,
  runId: string,
  log: Log,
  heartbeat: () => Promise<unknown>,
  onDbFault?: (what: string, info: { attempt: number; reason: string; delayMs: number }) => void,
): Promise<void> {
  try {
    // A pass commits page by page with the watermark that covers it, so one cut short by a transient database
    // failure is simply run again from where it got to.
    const stats = await retryTransient(() => projectConnection(deps.db, deps.catalog, { connection, dataSchema }, { onPage: async () => void (await heartbeat()) }), {
      ...deps.options.dbRetry,
      onRetry: (info) => onDbFault?.('CRM projection', info),
    });
    if (stats.records > 0) {
      const touched = Object.entries(stats.entities)
        .filter(([, n]) => n > 0)
        .map(([type, n]) => `${n} ${type}`)
        .join(', ');
      log('info', `CRM: ${stats.records} changed records projected${touched ? ` (${touched})` : ''}`, { ...stats });
    }
  } catch (error) {
    log('error', `CRM projection failed (the synced records are kept; the next run retries): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (connection.lastSyncStatus === 'FAILED') {
    await logTributaryActivity(deps.db, connection, 'sync_recovered', {
      title: `${connection.name}: sync recovered`,
      description: `A sync completed after failing${connection.lastSyncError ? `: ${connection.lastSyncError}` : ''}.`,
      metadata: { run_id: runId },
    }).catch((error: Error) => log('warn', `Could not log the recovery activity: ${error.message}`));
  }
}

/** A run failed: the first failure after a success (or ever) becomes an activity; repeated failures do not pile up. */
export async function noteSyncFailure(deps: Pick<ServiceDeps, 'db' | 'logger'>, connectionId: string, runId: string, message: string): Promise<void> {
  try {
    const connection = await getConnectionById(deps.db, connectionId);
    if (!connection || connection.lastSyncStatus === 'FAILED') return;
    await logTributaryActivity(deps.db, connection, 'sync_failed', {
      title: `${connection.name}: sync failed`,
      description: message.slice(0, 1000),
      metadata: { run_id: runId },
    });
  } catch (error) {
    deps.logger.warn({ runId, err: { message: error instanceof Error ? error.message : String(error) } }, 'could not log the sync failure activity');
  }
}
