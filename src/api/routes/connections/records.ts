import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { ListRecordsQuerySchema, RecordListSchema } from '../../../contracts/api/records.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { readChangeFeed } from '../../../services/records/read-change-feed.js';
import { changeFeedBody } from './data-views.js';

export async function recordRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

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
      const q = request.query;
      const page = await readChangeFeed(deps, {
        workspaceId: auth.workspaceId,
        products: auth.products,
        dataSchema: auth.dataSchema,
        connectionId: request.params.id,
        stream: request.params.stream,
        cursor: q.cursor,
        limit: q.limit,
        changes: q.filter,
        includeDeleted: q.include_deleted,
        modifiedAfter: q.modified_after ? new Date(q.modified_after) : undefined,
      });
      // A string body (RecordListSchema's shape, written by hand in changeFeedBody) skips Fastify's serializer.
      return reply.type('application/json; charset=utf-8').send(changeFeedBody(page) as unknown as z.infer<typeof RecordListSchema>);
    },
  );
}
