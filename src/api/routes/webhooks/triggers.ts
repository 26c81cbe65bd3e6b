import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { triggerScheduledRuns } from '../../../services/runs/trigger-scheduled-runs.js';
import { triggerWebhookRun } from '../../../services/runs/trigger-webhook-run.js';
import type { AppDeps } from '../../app-deps.js';

/** Routes authenticated by something other than an API key: a webhook token, the cron secret. */
export async function triggerRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Signatures are over the exact bytes sent: deliveries reach the handler unparsed (this scope only).
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post(
    '/webhooks/:token',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Trigger a sync; the token in the URL is the credential',
        security: [],
        params: z.object({ token: z.string().min(1).max(200) }),
        response: { 202: z.object({ success: z.literal(true), message: z.string(), run_id: z.string(), existing: z.boolean() }), 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const { run, existing } = await triggerWebhookRun(deps, {
        token: request.params.token,
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        headers: request.headers,
      });
      return reply.status(202).send({ success: true as const, message: existing ? 'A sync is already in progress' : 'Sync triggered', run_id: run.id, existing });
    },
  );

  app.get(
    '/cron',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Enqueue every due scheduled sync (for an external cron); needs TRIBUTARY_CRON_SECRET as a bearer token',
        security: [],
        response: { 200: z.object({ triggered: z.number(), skipped: z.number(), connections: z.array(z.string()) }), 401: ErrorResponseSchema, 403: ErrorResponseSchema },
      },
    },
    async (request) => {
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? String(request.headers['x-cron-secret'] ?? '');
      return triggerScheduledRuns(deps, { cronSecret: deps.config.cronSecret, presented });
    },
  );
}
