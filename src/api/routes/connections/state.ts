import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { AppError } from '../../../contracts/errors.js';
import { deleteStreamState, listStreamStates, putStreamState } from '../../../db/queries/stream-states.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';

const StateResponseSchema = z.object({
  connection_id: z.string(),
  streams: z.record(z.string(), z.object({ state: z.record(z.string(), z.unknown()), updated_at: z.string() })),
  message: z.string().optional(),
});

export async function stateRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  const stateOf = async (connectionId: string) => {
    const rows = await listStreamStates(db, connectionId);
    return Object.fromEntries(rows.map((r) => [r.stream, { state: r.state, updated_at: new Date(r.updatedAt).toISOString() }]));
  };

  app.get(
    '/connections/:id/state',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['state'], summary: 'The cursor each stream resumes from', params: IdParamsSchema, response: { 200: StateResponseSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const connection = await loadConnection(db, authOf(request).workspaceId, request.params.id);
      return { connection_id: connection.id, streams: await stateOf(connection.id) };
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
      const connection = await loadConnection(db, authOf(request).workspaceId, request.params.id);
      const { stream, cursor } = request.body;
      let message: string;
      if (cursor === null) {
        await deleteStreamState(db, connection.id);
        message = 'Sync cursors cleared: the next sync will be a full resync.';
      } else {
        if (!stream) throw new AppError('validation_failed', 'stream: required when setting a cursor.', { field: 'stream' });
        const manifest = catalog.stream(connection.connectorId, stream);
        if (!manifest.sync_modes.includes('incremental')) {
          throw new AppError('validation_failed', `stream: "${stream}" has no incremental mode, so it keeps no cursor.`, { field: 'stream' });
        }
        const schema = catalog.get(connection.connectorId).stateSchemas[stream];
        const checked = schema ? schema.safeParse({ cursor }) : undefined;
        if (checked && !checked.success) {
          const expected = checked.error.issues.map((issue) => issue.message).join('; ');
          throw new AppError('invalid_stream_state', `cursor: stream "${stream}" of ${connection.connectorId} resumes from ${expected}; got ${JSON.stringify(cursor.slice(0, 100))}.`, { field: 'cursor' });
        }
        await putStreamState(db, connection.id, stream, checked?.success ? checked.data : { cursor });
        message = `Sync cursor set to ${cursor} for stream "${stream}".`;
      }
      return { connection_id: connection.id, streams: await stateOf(connection.id), message };
    },
  );
}
