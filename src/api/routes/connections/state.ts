import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { readStreamStates } from '../../../services/connections/read-stream-states.js';
import { setStreamCursor } from '../../../services/connections/set-stream-cursor.js';
import { streamStatesView } from './data-views.js';

const StateResponseSchema = z.object({
  connection_id: z.string(),
  streams: z.record(z.string(), z.object({ state: z.record(z.string(), z.unknown()), updated_at: z.string() })),
  message: z.string().optional(),
});

export async function stateRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/connections/:id/state',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['state'], summary: 'The cursor each stream resumes from', params: IdParamsSchema, response: { 200: StateResponseSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const { connection, states } = await readStreamStates(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id });
      return streamStatesView(connection, states);
    },
  );

  app.patch(
    '/connections/:id/state',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['state'],
        summary: "Set one stream's cursor (an ISO date or the stream's own cursor value), or cursor: null to clear all",
        params: IdParamsSchema,
        body: z.object({ stream: z.string().optional(), cursor: z.union([z.string().min(1), z.null()]) }),
        response: { 200: StateResponseSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const { stream, cursor } = request.body;
      const { connection, states, change } = await setStreamCursor(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id, stream, cursor });
      return streamStatesView(connection, states, change);
    },
  );
}
