import type { ConnectionRow } from '../../db/queries/connections.js';
import { listRunStreams, listRuns, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

/** How many runs the detail shows; older ones are listed by GET /connections/:id/runs. */
const recentRunCount = 10;

export interface ConnectionDetail {
  connection: ConnectionRow;
  /** The latest runs, newest first. */
  runs: RunRow[];
  /** The per-stream rows of those runs. */
  streams: RunStreamRow[];
}

/** One connection of the workspace with its recent runs and their per-stream counts; 404 for another workspace's. */
export async function getConnectionDetail(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string },
): Promise<ConnectionDetail> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  const { rows: runs } = await listRuns(deps.db, input.workspaceId, connection.id, { limit: recentRunCount, offset: 0 });
  const streams = await listRunStreams(deps.db, runs.map((r) => r.id));
  return { connection, runs, streams };
}
