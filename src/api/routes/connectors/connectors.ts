import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { ConnectorSummarySchema, ManifestSchema } from '../../../contracts/manifest.js';
import type { AppDeps } from '../../app-deps.js';
import { requireRole } from '../../auth.js';

export async function connectorRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/connectors',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['catalog'], summary: 'The connector catalog', response: { 200: z.object({ data: z.array(ConnectorSummarySchema) }) } },
    },
    async () => ({ data: deps.catalog.list() }),
  );
  app.get(
    '/connectors/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['catalog'],
        summary: "One connector's full manifest (fields, verify and OAuth blocks, streams)",
        params: z.object({ id: z.string() }),
        response: { 200: ManifestSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => deps.catalog.get(request.params.id).manifest,
  );
}
