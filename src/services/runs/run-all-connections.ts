import type { ServiceDeps } from '../service-deps.js';
import { listAllWorkspaceConnections } from '../connections/list-all-workspace-connections.js';
import { readyToSync } from './ready-to-sync.js';
import { requestRun } from './request-run.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * Starts an incremental sync of every stream of every connection of the workspace that is ready to sync
 * (see readyToSync; the others are left out silently). A connection with a run already active is counted in
 * `skipped`, its run not doubled.
 */
export async function runAllConnections(deps: Pick<ServiceDeps, 'db' | 'catalog' | 'runQueue'>, input: { workspaceId: string; products: ProductScope }): Promise<{ runIds: string[]; skipped: number }> {
  const runIds: string[] = [];
  let skipped = 0;
  for (const connection of await listAllWorkspaceConnections(deps, input)) {
    const { manifest } = deps.catalog.get(connection.connectorId);
    if (!readyToSync(deps.catalog, connection)) continue;
    const { run, existing } = await requestRun(deps, {
      workspaceId: input.workspaceId,
      connectionId: connection.id,
      trigger: 'run_all',
      mode: 'incremental',
      streams: manifest.streams.map((s) => s.name),
    });
    if (existing) skipped++;
    else runIds.push(run.id);
  }
  return { runIds, skipped };
}
