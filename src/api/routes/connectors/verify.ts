import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { AppError } from '../../../contracts/errors.js';
import { checkConnectionCredentials } from '../../../services/credentials/check-connection-credentials.js';
import { probeSubmittedCredentials } from '../../../services/credentials/probe-submitted-credentials.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';

const ProbeBody = z.object({ fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}), config: z.record(z.string(), z.unknown()).default({}) });
const ProbeResponse = z.object({ ok: z.boolean(), message: z.string() });

export async function verifyRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/connectors/:id/verify',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['catalog'],
        summary: 'Probe submitted credentials against the provider (one SSRF-guarded request); ok: false when the provider refuses them',
        params: IdParamsSchema,
        body: ProbeBody,
        response: { 200: ProbeResponse, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const { ok, message } = await probeSubmittedCredentials(deps, { connectorId: request.params.id, fields: request.body.fields, config: request.body.config });
      return { ok, message };
    },
  );

  app.post(
    '/connections/test',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['connections'],
        summary: 'The same probe for { connector, fields, config }; nothing is saved',
        body: ProbeBody.extend({ connector: z.string().min(1) }),
        response: { 200: ProbeResponse.extend({ success: z.boolean() }), 400: ErrorResponseSchema },
      },
    },
    async (request) => {
      if (!deps.catalog.has(request.body.connector)) {
        throw new AppError('validation_failed', `connector: no connector "${request.body.connector}" in the catalog.`, { field: 'connector' });
      }
      const { ok, message } = await probeSubmittedCredentials(deps, { connectorId: request.body.connector, fields: request.body.fields, config: request.body.config });
      return { ok, message, success: ok };
    },
  );

  app.post(
    '/connections/:id/check',
    {
      preHandler: requireRole('member'),
      schema: {
        tags: ['connections'],
        summary: "Probe an installed connection's credentials; the result and time are stored on it",
        params: IdParamsSchema,
        response: { 200: ProbeResponse.extend({ checked_at: z.string() }), 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const check = await checkConnectionCredentials(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id });
      return { ok: check.ok, message: check.message, checked_at: check.checkedAt.toISOString() };
    },
  );
}
