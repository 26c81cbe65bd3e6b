import { AppError } from '../contracts/errors.js';
import type { ConnectionRow } from '../db/queries/connections.js';
import { loadConnection } from '../services/connections/load-connection.js';
import type { ServiceDeps } from '../services/service-deps.js';
import type { McpCaller } from './mcp-caller.js';

/**
 * Whether a caller may see something tagged with `product`. A key scoped to products sees only rows tagged with
 * one of them: an untagged row (the workspace's own) belongs to no product, so it is outside every scope.
 */
export function productInScope(caller: Pick<McpCaller, 'products'>, product: string | null): boolean {
  return caller.products === null || (product !== null && caller.products.includes(product));
}

/**
 * A connection of the caller's workspace and product scope, or `connection_not_found`: a connection outside the
 * scope does not exist for the caller, exactly as another workspace's does not (same code, same message).
 */
export async function loadScopedConnection(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, connectionId: string): Promise<ConnectionRow> {
  const connection = await loadConnection(deps.db, caller.workspaceId, connectionId);
  if (!productInScope(caller, connection.product)) throw new AppError('connection_not_found', `No connection "${connectionId}".`);
  return connection;
}

/**
 * The caller's workspace and product scope, to spread into a service's input. The services take `products`
 * themselves once keys can be scoped (the key-scopes work): spreading both keeps every call passing it.
 */
export function scopeOf(caller: Pick<McpCaller, 'workspaceId' | 'products'>): { workspaceId: string; products: string[] | null } {
  return { workspaceId: caller.workspaceId, products: caller.products };
}
