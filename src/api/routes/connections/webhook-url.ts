import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { RotateWebhookUrlBodySchema, RotateWebhookUrlResponseSchema, WebhookUrlResponseSchema } from '../../../contracts/api/webhook-url.js';
import { revealWebhookUrl } from '../../../services/connections/reveal-webhook-url.js';
import { rotateWebhookUrl } from '../../../services/connections/rotate-webhook-url.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { rotatedWebhookUrlView, webhookUrlView } from '../../views.js';

export async function webhookUrlRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/connections/:id/webhook-url',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['triggers'],
        summary: "Reveal the connection's webhook trigger URL (audit-logged, never cached)",
        params: IdParamsSchema,
        response: { 200: WebhookUrlResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const revealed = await revealWebhookUrl(deps, { workspaceId: auth.workspaceId, products: auth.products, actorKeyId: auth.keyId, ip: request.ip, connectionId: request.params.id });
      reply.header('cache-control', 'no-store');
      return webhookUrlView(revealed);
    },
  );

  app.post(
    '/connections/:id/webhook-url/rotate',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['triggers'],
        summary:
          'Replace the webhook trigger URL and reveal the new one once (audit-logged, never cached). The old URL keeps working for grace_period_seconds (default 86400, at most 604800; 0: refused at once); rotating again ends the grace of the URL before it',
        params: IdParamsSchema,
        body: RotateWebhookUrlBodySchema,
        response: { 200: RotateWebhookUrlResponseSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const rotated = await rotateWebhookUrl(deps, {
        workspaceId: auth.workspaceId,
        products: auth.products,
        actorKeyId: auth.keyId,
        ip: request.ip,
        connectionId: request.params.id,
        graceSeconds: request.body?.grace_period_seconds,
      });
      reply.header('cache-control', 'no-store');
      return rotatedWebhookUrlView(rotated);
    },
  );
}
