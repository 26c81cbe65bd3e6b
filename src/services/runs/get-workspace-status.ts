import type { ConnectionRow } from '../../db/queries/connections.js';
import { getRunById, listRunStreams, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';
import { listAllWorkspaceConnections } from '../connections/list-all-workspace-connections.js';
import type { ProductScope } from '../keys/product-scope.js';

export interface ConnectionHealth {
  connection: ConnectionRow;
  /** Connected or syncing; anything else (error, disabled, pending, …) needs someone's attention. */
  healthy: boolean;
  /** The connection's latest run with its per-stream rows, when it has run. */
  lastRun: { run: RunRow; streams: RunStreamRow[] } | undefined;
}

/** The health of every connection of the workspace, and how many are healthy or not. */
export async function getWorkspaceStatus(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; products: ProductScope },
): Promise<{ connections: ConnectionHealth[]; healthy: number; unhealthy: number }> {
  const out: ConnectionHealth[] = [];
  for (const connection of await listAllWorkspaceConnections(deps, input)) {
    const run = connection.lastRunId ? await getRunById(deps.db, connection.lastRunId) : undefined;
    out.push({
      connection,
      healthy: connection.status === 'connected' || connection.status === 'syncing',
      lastRun: run ? { run, streams: await listRunStreams(deps.db, [run.id]) } : undefined,
    });
  }
  const healthy = out.filter((c) => c.healthy).length;
  return { connections: out, healthy, unhealthy: out.length - healthy };
}
