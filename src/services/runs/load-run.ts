import { AppError } from '../../contracts/errors.js';
import { getConnection } from '../../db/queries/connections.js';
import { getRun, type RunRow } from '../../db/queries/runs.js';
import { inProductScope, type ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * A run of the caller's workspace, or `run_not_found`: another workspace's run does not exist for them, nor, for a
 * caller scoped to products, a run of a connection outside them (another product's, or an untagged one).
 */
export async function loadRun(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; runId: string; products: ProductScope }): Promise<RunRow> {
  const run = await getRun(deps.db, input.workspaceId, input.runId);
  if (run && input.products !== null) {
    const connection = await getConnection(deps.db, input.workspaceId, run.connectionId);
    if (!connection || !inProductScope(connection.product, input.products)) throw new AppError('run_not_found', `No run "${input.runId}".`);
  }
  if (!run) throw new AppError('run_not_found', `No run "${input.runId}".`);
  return run;
}
