import type { z } from 'zod';
import type { SchemaChangeListSchema, TableSchemaSchema } from '../../../contracts/api/table-schema.js';
import { pagination } from '../../../contracts/pagination.js';
import { systemColumnTypes } from '../../../core/typed-columns/column-names.js';
import type { StreamStateRow } from '../../../db/queries/stream-states.js';
import type { ConnectionRow } from '../../../db/queries/connections.js';
import type { StreamCursorChange } from '../../../services/connections/set-stream-cursor.js';
import type { ChangeFeedPage } from '../../../services/records/read-change-feed.js';
import type { StreamTableSchema } from '../../../services/records/get-table-schema.js';
import type { StoredShapeChange } from '../../../db/queries/table-shapes.js';

/** Renderers of a connection's data (its stream states, change feed and tables) as the API shows them. */

/** A connection's stream states by stream name; after a hand edit, a message saying what it did. */
export function streamStatesView(
  connection: ConnectionRow,
  states: StreamStateRow[],
  change?: StreamCursorChange,
): { connection_id: string; streams: Record<string, { state: Record<string, unknown>; updated_at: string }>; message?: string } {
  const streams = Object.fromEntries(states.map((r) => [r.stream, { state: r.state, updated_at: new Date(r.updatedAt).toISOString() }]));
  if (!change) return { connection_id: connection.id, streams };
  const message =
    change.kind === 'cleared' ? 'Sync cursors cleared: the next sync will be a full resync.' : `Sync cursor set to ${change.cursor} for stream "${change.stream}".`;
  return { connection_id: connection.id, streams, message };
}

/**
 * A change-feed page as RecordListSchema's JSON, written by hand: the payloads are embedded as the JSON text the
 * database returns, since parsing ~175 KB of records per page to validate and serialise them again was most of the
 * request's CPU (see bench/, API latency). Sent as a string, the body skips Fastify's serializer.
 */
export function changeFeedBody(page: ChangeFeedPage): string {
  const items = page.rows.map(
    (r) =>
      `{"id":${JSON.stringify(r.id)},"data":${r.data},"first_seen_at":"${r.first_seen_at.toISOString()}","updated_at":"${r.updated_at.toISOString()}","deleted_at":${r.deleted_at ? `"${r.deleted_at.toISOString()}"` : 'null'},"change":"${r.change}"}`,
  );
  return `{"data":[${items.join(',')}],"next_cursor":${page.nextCursor === null ? 'null' : JSON.stringify(page.nextCursor)},"has_more":${page.hasMore}}`;
}

export function tableSchemaView(schema: StreamTableSchema): z.infer<typeof TableSchemaSchema> {
  return {
    schema: schema.table.schema,
    table: schema.table.table,
    exists: schema.exists,
    system_columns: [...systemColumnTypes],
    columns: schema.columns.map((c) => ({ name: c.name, path: c.path, type: c.type, source: c.declared ? ('schema' as const) : ('data' as const) })),
  };
}

export function shapeChangesView(page: { rows: StoredShapeChange[]; total: number }, limit: number, offset: number): z.infer<typeof SchemaChangeListSchema> {
  return { data: page.rows.map((r) => ({ ...r, at: r.at.toISOString() })), pagination: pagination(limit, offset, page.total) };
}
