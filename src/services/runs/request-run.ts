import { newId } from '../../core/ids.js';
import { insertRunUnlessActive, type RunRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';

export type RunTrigger = 'manual' | 'schedule' | 'webhook' | 'api' | 'run_all';

export interface RunRequest {
  workspaceId: string;
  connectionId: string;
  trigger: RunTrigger;
  mode: 'incremental' | 'full_refresh';
  streams: string[];
}

/**
 * Creates a PENDING run and its job in one transaction, so a run never waits for a job that was never sent.
 * If the connection already has an active run, that run is returned instead (`existing: true`).
 */
export async function requestRun(deps: Pick<ServiceDeps, 'db' | 'runQueue'>, request: RunRequest): Promise<{ run: RunRow; existing: boolean }> {
  return deps.db.transaction(async (tx) => {
    const result = await insertRunUnlessActive(tx, {
      id: newId('run'),
      workspaceId: request.workspaceId,
      connectionId: request.connectionId,
      trigger: request.trigger,
      mode: request.mode,
      status: 'PENDING',
      streams: request.streams,
    });
    if (!result.existing) {
      await deps.runQueue.enqueueRun(tx, result.run.id);
    }
    return result;
  });
}
