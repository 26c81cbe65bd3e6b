import { listConnections, type ConnectionRow } from '../../db/queries/connections.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Every connection of the workspace within the caller's products (clients' and products' too), paged through
 * internally: status and run-all act on all of them.
 */
export async function listAllWorkspaceConnections(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; products: ProductScope }): Promise<ConnectionRow[]> {
  const out: ConnectionRow[] = [];
  for (let offset = 0; ; offset += 100) {
    const { rows } = await listConnections(deps.db, input.workspaceId, { includeAll: true, products: input.products }, { limit: 100, offset });
    out.push(...rows);
    if (rows.length < 100) return out;
  }
}
