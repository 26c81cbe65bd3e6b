import type { ConnectionRow } from '../../db/queries/connections.js';
import { connectionTableName, type RecordTable } from '../../db/queries/records/record-tables.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from '../connections/load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

/** Which connection's stream: the workspace scopes the connection, its data schema holds the stream's table. */
export interface StreamAddress {
  workspaceId: string;
  /** The caller's product scope: another product's connection is not found. */
  products: ProductScope;
  /** The schema holding the workspace's record tables. */
  dataSchema: string;
  connectionId: string;
  stream: string;
}

/**
 * The table a connection's stream lands in (shared with other connections of the connector, or its own), after
 * checking that the connection is the workspace's (404 otherwise) and that its connector has the stream. The table
 * itself may not exist yet: a stream's first sync creates it.
 */
export async function resolveStreamTable(deps: Pick<ServiceDeps, 'db' | 'catalog'>, input: StreamAddress): Promise<{ connection: ConnectionRow; table: RecordTable }> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  deps.catalog.stream(connection.connectorId, input.stream);
  return { connection, table: { schema: input.dataSchema, table: connectionTableName(connection, input.stream) } };
}
