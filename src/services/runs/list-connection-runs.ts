import { listRunStreams, listRuns, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import { loadConnection } from '../connections/load-connection.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ProductScope } from '../keys/product-scope.js';

/** One page of a connection's run history, newest first, with the per-stream rows of the runs on it. */
export async function listConnectionRuns(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string; limit: number; offset: number },
): Promise<{ runs: RunRow[]; streams: RunStreamRow[]; total: number }> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  const { rows, total } = await listRuns(deps.db, input.workspaceId, connection.id, { limit: input.limit, offset: input.offset });
  const streams = await listRunStreams(deps.db, rows.map((r) => r.id));
  return { runs: rows, streams, total };
}
