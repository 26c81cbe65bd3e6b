import type { ConnectionRow } from '../db/queries/connections.js';
import { loadConnection } from '../services/connections/load-connection.js';
import type { ServiceDeps } from '../services/service-deps.js';
import type { McpCaller } from './mcp-caller.js';

/**
 * A connection of the caller's workspace and product scope, or `connection_not_found`: a connection outside the
 * scope does not exist for the caller, exactly as another workspace's does not (the service decides, as for REST).
 */
export async function loadScopedConnection(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, connectionId: string): Promise<ConnectionRow> {
  return loadConnection(deps.db, caller.workspaceId, connectionId, caller.products);
}

/** The caller's workspace and product scope, to spread into a service's input (every scoped service takes both). */
export function scopeOf(caller: Pick<McpCaller, 'workspaceId' | 'products'>): { workspaceId: string; products: string[] | null } {
  return { workspaceId: caller.workspaceId, products: caller.products };
}
