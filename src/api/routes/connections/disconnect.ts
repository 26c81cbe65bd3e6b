import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { DisconnectResponseSchema } from '../../../contracts/api/oauth.js';
import { disconnectConnection } from '../../../services/connections/disconnect-connection.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { connectionView } from '../../views.js';

/**
 * POST /connections/:id/disconnect: asks an active run to stop, revokes OAuth tokens at the provider (RFC 7009)
 * when it has a revocation endpoint, then clears the credentials. Revocation is best effort: its outcome is
 * reported, and a provider that is down or refuses never keeps the connection connected.
 */
export async function disconnectRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/connections/:id/disconnect',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['connections'],
        summary: 'Revoke OAuth tokens at the provider (best effort), clear the credentials and set the connection disconnected; an active run is asked to stop',
        params: IdParamsSchema,
        response: { 200: DisconnectResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      // The request's logger, so the service's warnings carry the request id.
      const { connection, revocation } = await disconnectConnection({ ...deps, logger: request.log }, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id });
      return { ...connectionView(connection), revocation };
    },
  );
}
