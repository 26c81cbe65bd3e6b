import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { ListRecordsQuerySchema, RecordListSchema } from '../../../contracts/api/records.js';
import { AppError } from '../../../contracts/errors.js';
import { listRecordsJson } from '../../../db/queries/records/change-feed.js';
import { connectionTableName } from '../../../db/queries/records/record-tables.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';

/** The cursor is the last change number read, wrapped so clients don't build their own. */
function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { seq?: unknown };
    if (typeof parsed.seq === 'number' && Number.isSafeInteger(parsed.seq) && parsed.seq >= 0) return parsed.seq;
  } catch {
    // fall through
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this API returned.', { field: 'cursor' });
}

const encodeCursor = (seq: number) => Buffer.from(JSON.stringify({ seq })).toString('base64url');

export async function recordRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  app.get(
    '/connections/:id/records/:stream',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['records'],
        summary:
          "A stream's change feed: rows in the order their latest change was written, each once, with an opaque cursor; filter by change (added, updated, deleted) and modified_after",
        description:
          'Following next_cursor until has_more is false, then polling with the last cursor, a client sees every row whose latest change it has not seen yet exactly once, even while syncs write. A cursor stays valid forever.',
        params: z.object({ id: z.string(), stream: z.string() }),
        querystring: ListRecordsQuerySchema,
        response: { 200: RecordListSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      catalog.stream(connection.connectorId, request.params.stream);
      const table = { schema: auth.dataSchema, table: connectionTableName(connection, request.params.stream) };
      const q = request.query;
      const afterSeq = q.cursor ? decodeCursor(q.cursor) : undefined;
      const changes = [...new Set([...(q.filter ?? ['added', 'updated']), ...(q.include_deleted ? ['deleted' as const] : [])])];
      // A stream that never synced has no table yet: an empty feed (null: no table), without a query to ask first.
      const rows = await listRecordsJson(db, table, connection.id, {
        limit: q.limit + 1,
        afterSeq,
        changes,
        modifiedAfter: q.modified_after ? new Date(q.modified_after) : undefined,
      });
      if (rows === null) return { data: [], next_cursor: q.cursor ?? null, has_more: false };
      const hasMore = rows.length > q.limit;
      const page = rows.slice(0, q.limit);
      // The last page still returns a cursor: polling with it later yields only what changed since.
      const last = page.length > 0 ? encodeCursor(page[page.length - 1]!.change_seq) : (q.cursor ?? null);
      // The payloads are embedded as the JSON text the database returns, and the body (RecordListSchema's shape)
      // is written by hand: parsing ~175 KB of records per page to validate and serialise them again was most of
      // the request's CPU (see bench/, API latency). A string body skips Fastify's serializer.
      const items = page.map(
        (r) =>
          `{"id":${JSON.stringify(r.id)},"data":${r.data},"first_seen_at":"${r.first_seen_at.toISOString()}","updated_at":"${r.updated_at.toISOString()}","deleted_at":${r.deleted_at ? `"${r.deleted_at.toISOString()}"` : 'null'},"change":"${r.change}"}`,
      );
      const body = `{"data":[${items.join(',')}],"next_cursor":${last === null ? 'null' : JSON.stringify(last)},"has_more":${hasMore}}`;
      return reply.type('application/json; charset=utf-8').send(body as unknown as z.infer<typeof RecordListSchema>);
    },
  );
}
