import { listConnections, type ConnectionFilters, type ConnectionRow } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * A page of the workspace's connections, newest first, with the total for pagination. Without a product or
 * company filter (or `includeAll`) only the workspace's own connections are listed, not its clients' or products'.
 */
export async function listWorkspaceConnections(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; filters: ConnectionFilters; page: { limit: number; offset: number } },
): Promise<{ rows: ConnectionRow[]; total: number }> {
  return listConnections(deps.db, input.workspaceId, input.filters, input.page);
}
