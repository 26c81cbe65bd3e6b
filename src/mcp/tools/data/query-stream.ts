import { z } from 'zod';
import { IsoDateTimeSchema } from '../../../contracts/api/common.js';
import { readChangeFeed } from '../../../services/records/read-change-feed.js';
import { readTool } from '../../tool-definition.js';
import { scopeOf } from '../../product-scope.js';

/** The most rows one call returns: a page an agent can read, not a dump. Larger limits are invalid arguments. */
export const maxQueryRows = 500;

const input = {
  connection_id: z.string().min(1).max(100).describe('The connection.'),
  stream: z.string().min(1).max(100).describe('The stream (from list_streams).'),
  modified_after: IsoDateTimeSchema.optional().describe('Only rows changed after this ISO 8601 date-time.'),
  filters: z
    .record(z.string().min(1).max(63), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
    .refine((f) => Object.keys(f).length <= 20, 'at most 20 filters')
    .optional()
    .describe('Typed column → the value it must equal (null: the column is null). Columns and types come from list_streams; jsonb columns cannot be filtered.'),
  include_deleted: z.boolean().default(false).describe('Also return rows deleted at the source (their latest change is "deleted").'),
  limit: z.number().int().min(1).max(maxQueryRows).default(50).describe(`Rows per page, 1 to ${maxQueryRows}.`),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
};

const RowSchema = z.object({
  id: z.string(),
  data: z.record(z.string(), z.unknown()),
  first_seen_at: z.string(),
  updated_at: z.string(),
  deleted_at: z.string().nullable(),
  change: z.enum(['added', 'updated', 'deleted']),
});
const output = { rows: z.array(RowSchema), next_cursor: z.string().nullable(), has_more: z.boolean() };

/**
 * A stream's rows through the change feed (GET /connections/:id/records/:stream), with equality filters on typed
 * columns: the model names columns and values, never SQL. Following next_cursor while has_more, then polling with
 * the last cursor, returns each change once.
 */
export const queryStreamTool = readTool({
  name: 'query_stream',
  title: "Query a stream's rows",
  description:
    `Read a stream's synced rows (the provider's records as JSON) in the order they last changed. Filter by modified_after and by equality on typed columns; limit up to ${maxQueryRows}; page with cursor/next_cursor while has_more. Polling later with the last next_cursor returns only what changed since.`,
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    const page = await readChangeFeed(deps, {
      ...scopeOf(caller),
      dataSchema: caller.dataSchema,
      connectionId: args.connection_id,
      stream: args.stream,
      cursor: args.cursor,
      limit: args.limit,
      includeDeleted: args.include_deleted,
      modifiedAfter: args.modified_after ? new Date(args.modified_after) : undefined,
      equals: args.filters,
    });
    return {
      rows: page.rows.map((r) => ({
        id: r.id,
        data: JSON.parse(r.data) as Record<string, unknown>,
        first_seen_at: r.first_seen_at.toISOString(),
        updated_at: r.updated_at.toISOString(),
        deleted_at: r.deleted_at ? r.deleted_at.toISOString() : null,
        change: r.change,
      })),
      next_cursor: page.nextCursor,
      has_more: page.hasMore,
    };
  },
});
