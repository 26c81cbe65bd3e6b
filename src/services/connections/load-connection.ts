import { AppError } from '../../contracts/errors.js';
import type { Db } from '../../db/db.js';
import { getConnection, type ConnectionRow } from '../../db/queries/connections.js';
import { inProductScope, type ProductScope } from '../keys/product-scope.js';

/**
 * A connection of the caller's workspace and product scope, or 404: another workspace's connection, another
 * product's, and (for a caller scoped to products) an untagged one do not exist for them. `products` is required so
 * that no operation on a connection can forget the scope; internal callers with no key pass null.
 */
export async function loadConnection(db: Db, workspaceId: string, id: string, products: ProductScope): Promise<ConnectionRow> {
  const row = await getConnection(db, workspaceId, id);
  if (!row || !inProductScope(row.product, products)) throw new AppError('connection_not_found', `No connection "${id}".`);
  return row;
}
