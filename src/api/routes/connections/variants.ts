import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { ConnectionSchema, CreateVariantBodySchema } from '../../../contracts/api/connections.js';
import { createVariant } from '../../../services/connections/create-variant.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { connectionView } from '../../views.js';

/**
 * POST /connections/:id/variants: the same account pointed elsewhere (another region, another year's books,
 * another set of repositories). A variant shares its base's credentials — changes to them reach every member of
 * the group — and, unless its config says `createOwnTables: true`, its tables too.
 */
export async function variantRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/connections/:id/variants',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['connections'],
        summary: "Create a variant: a connection sharing this one's credentials, linked by a variant group; label auto-assigned when absent",
        params: IdParamsSchema,
        body: CreateVariantBodySchema,
        response: { 201: ConnectionSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const created = await createVariant(deps, { workspaceId: auth.workspaceId, products: auth.products, actorKeyId: auth.keyId, sourceId: request.params.id, variant: request.body });
      return reply.status(201).send(connectionView(created));
    },
  );
}
