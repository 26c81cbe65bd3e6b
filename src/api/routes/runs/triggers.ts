import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { AppError } from '../../../contracts/errors.js';
import { hashToken, safeEqual } from '../../../core/api-key-hash.js';
import { findConnectionByWebhookHash } from '../../../db/queries/connections.js';
import { enqueueDueRuns } from '../../../services/runs/enqueue-due-runs.js';
import { requestRun } from '../../../services/runs/request-run.js';
import type { AppDeps } from '../../app-deps.js';
import type { ConnectionSecrets } from '../../../services/credentials/connection-secrets.js';

/** Routes authenticated by something other than an API key: a webhook token, the cron secret. */
export async function triggerRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;
  const streamsOf = (connectorId: string) => catalog.get(connectorId).manifest.streams.map((s) => s.name);
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
      const connection = await findConnectionByWebhookHash(db, hashToken(request.params.token));
      if (!connection) throw new AppError('not_found', 'No connection has this webhook token.');
      if (connection.status === 'disabled' || connection.status === 'pending_auth' || connection.status === 'pending' || (!connection.credentials && catalog.get(connection.connectorId).manifest.auth_mode !== 'none')) {
        throw new AppError('connection_not_ready', `The connection is ${connection.status}; it cannot sync now.`);
      }
      const signature = catalog.get(connection.connectorId).webhook;
      if (signature && connection.credentials) {
        const secret = deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id).fields[signature.secret_field];
        if (secret) {
          const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const verdict = signature.verify({ rawBody, headers: request.headers, secret });
          if (!verdict.ok) throw new AppError('webhook_signature_invalid', `The webhook's signature does not verify (${verdict.reason}).`);
        }
      }
      const { run, existing } = await requestRun(deps, {
        workspaceId: connection.workspaceId,
        connectionId: connection.id,
        trigger: 'webhook',
        mode: 'incremental',
        streams: streamsOf(connection.connectorId),
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
      const secret = deps.config.cronSecret;
      if (!secret) throw new AppError('forbidden', 'The cron endpoint is off: set TRIBUTARY_CRON_SECRET to enable it.');
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? String(request.headers['x-cron-secret'] ?? '');
      if (!presented || !safeEqual(hashToken(presented), hashToken(secret))) throw new AppError('unauthorized', 'Wrong or missing cron secret.');
      return enqueueDueRuns(deps, streamsOf);
    },
  );
}
