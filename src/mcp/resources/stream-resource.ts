import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectionView } from '../../contracts/api/connections.js';
import { readStreamStates } from '../../services/connections/read-stream-states.js';
import { getEntityCounts } from '../../services/records/get-entity-counts.js';
import { getTableSchema } from '../../services/records/get-table-schema.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { loadScopedConnection, scopeOf } from '../product-scope.js';

export const streamResourceTemplate = 'tributary://connections/{id}/streams/{stream}';

export const streamResourceUri = (connectionId: string, stream: string): string =>
  `tributary://connections/${encodeURIComponent(connectionId)}/streams/${encodeURIComponent(stream)}`;

/** How a stream shows in resources/list: named after its connection, dated by the connection's last sync. */
export function streamResourceEntry(connection: ConnectionView, stream: { name: string; description: string }): Resource {
  return {
    uri: streamResourceUri(connection.id, stream.name),
    name: `${connection.id}/${stream.name}`,
    title: `${connection.name} · ${stream.name}`,
    description: stream.description || `The ${stream.name} stream of ${connection.connector}`,
    mimeType: 'application/json',
    // lastModified: the last sync of the connection (2025-11-25 annotations; the closest cache hint that revision has).
    annotations: { audience: ['assistant', 'user'], ...(connection.last_sync_at ? { lastModified: connection.last_sync_at } : {}) },
  };
}

/**
 * A stream as a resource: its table's typed columns, how many rows it holds, and how fresh it is (the last
 * sync of its connection and when its cursor last moved). The rows themselves are read with query_stream.
 */
export async function readStreamResource(deps: Pick<ServiceDeps, 'db' | 'catalog'>, caller: McpCaller, uri: URL, connectionId: string, stream: string): Promise<ReadResourceResult> {
  const connection = await loadScopedConnection(deps, caller, connectionId);
  const address = { ...scopeOf(caller), dataSchema: caller.dataSchema, connectionId: connection.id };
  const manifestStream = deps.catalog.stream(connection.connectorId, stream);
  const schema = await getTableSchema(deps, { ...address, stream });
  const counts = (await getEntityCounts(deps, address)).streams.find((s) => s.stream === stream);
  const state = (await readStreamStates(deps, address)).states.find((s) => s.stream === stream);
  const lastSyncAt = connection.lastSyncAt ? new Date(connection.lastSyncAt).toISOString() : null;
  const body = {
    connection_id: connection.id,
    connector: connection.connectorId,
    stream,
    description: manifestStream.description,
    primary_key: manifestStream.primary_key,
    cursor_field: manifestStream.cursor_field ?? null,
    table: { schema: schema.table.schema, table: schema.table.table, exists: schema.exists },
    columns: schema.columns.map((c) => ({ name: c.name, path: c.path, type: c.type, source: c.declared ? 'schema' : 'data' })),
    rows: { live: counts?.live ?? 0, deleted: counts?.deleted ?? 0 },
    freshness: {
      last_sync_at: lastSyncAt,
      last_sync_status: connection.lastSyncStatus,
      last_successful_sync_at: connection.lastSyncStatus === 'COMPLETED' ? lastSyncAt : null,
      cursor_updated_at: state ? new Date(state.updatedAt).toISOString() : null,
    },
  };
  return {
    contents: [
      {
        uri: uri.toString(),
        mimeType: 'application/json',
        text: JSON.stringify(body),
        ...(lastSyncAt ? { _meta: { lastModified: lastSyncAt } } : {}),
      },
    ],
  };
}
