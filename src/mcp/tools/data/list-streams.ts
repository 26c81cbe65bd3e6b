import { z } from 'zod';
import { TableColumnSchema } from '../../../contracts/api/table-schema.js';
import { getEntityCounts } from '../../../services/records/get-entity-counts.js';
import { getTableSchema } from '../../../services/records/get-table-schema.js';
import { readTool } from '../../tool-definition.js';
import { loadScopedConnection, scopeOf } from '../../product-scope.js';

const input = { connection_id: z.string().min(1).max(100).describe('The connection whose streams to list.') };

export const StreamSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  primary_key: z.array(z.string()),
  cursor_field: z.string().nullable(),
  sync_modes: z.array(z.string()),
  /** False until the stream's first sync creates its table. */
  synced: z.boolean(),
  live_rows: z.number().int(),
  deleted_rows: z.number().int(),
  /** Typed columns, filterable by equality in query_stream (except jsonb ones). */
  columns: z.array(TableColumnSchema),
  resource_uri: z.string(),
});
const output = { connection_id: z.string(), connector: z.string(), streams: z.array(StreamSummarySchema) };

/** A connection's streams with their columns and row counts (GET /connections/:id/streams/:stream/schema, for each). */
export const listStreamsTool = readTool({
  name: 'list_streams',
  title: "List a connection's streams",
  description:
    "A connection's synced datasets (streams), each with its typed columns (name, type, payload path), primary key, cursor field and row counts. Use the column names as filters in query_stream.",
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    const connection = await loadScopedConnection(deps, caller, args.connection_id);
    const address = { ...scopeOf(caller), dataSchema: caller.dataSchema, connectionId: connection.id };
    const counts = await getEntityCounts(deps, address);
    const { manifest } = deps.catalog.get(connection.connectorId);
    const streams = [];
    for (const stream of manifest.streams) {
      const schema = await getTableSchema(deps, { ...address, stream: stream.name });
      const count = counts.streams.find((s) => s.stream === stream.name);
      streams.push({
        name: stream.name,
        description: stream.description,
        primary_key: stream.primary_key,
        cursor_field: stream.cursor_field ?? null,
        sync_modes: [...stream.sync_modes],
        synced: schema.exists,
        live_rows: count?.live ?? 0,
        deleted_rows: count?.deleted ?? 0,
        columns: schema.columns.map((c) => ({ name: c.name, path: c.path, type: c.type, source: c.declared ? ('schema' as const) : ('data' as const) })),
        resource_uri: `tributary://connections/${encodeURIComponent(connection.id)}/streams/${encodeURIComponent(stream.name)}`,
      });
    }
    return { connection_id: connection.id, connector: connection.connectorId, streams };
  },
});
