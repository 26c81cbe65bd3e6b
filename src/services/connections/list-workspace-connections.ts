import { listConnections, type ConnectionFilters, type ConnectionRow } from '../../db/queries/connections.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * A page of the workspace's connections, newest first, with the total for pagination. Without a product or
 * company filter (or `includeAll`) only the workspace's own connections are listed, not its clients' or products'.
 * A caller scoped to products sees only theirs (by default all of them): never an untagged connection.
 */
export async function listWorkspaceConnections(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; products: ProductScope; filters: ConnectionFilters; page: { limit: number; offset: number } },
): Promise<{ rows: ConnectionRow[]; total: number }> {
  return listConnections(deps.db, input.workspaceId, { ...input.filters, products: input.products }, input.page);
}
