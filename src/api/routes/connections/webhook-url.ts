import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { defaultWebhookGraceSeconds, RotateWebhookUrlBodySchema, RotateWebhookUrlResponseSchema, WebhookUrlResponseSchema } from '../../../contracts/api/webhook-url.js';
import { AppError } from '../../../contracts/errors.js';
import { hashToken } from '../../../core/api-key-hash.js';
import { newSecretToken } from '../../../core/ids.js';
import { insertAuditLog } from '../../../db/queries/audit-log.js';
import { rotateWebhookToken, updateConnection } from '../../../db/queries/connections.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';

export async function webhookUrlRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, vault } = deps;
  const revealed = (token: string) => {
    const url = `${deps.config.publicUrl}/api/v1/webhooks/${token}`;
    return { webhook_url: url, token_prefix: `${token.slice(0, 8)}…`, curl_example: `curl -X POST ${url}` };
  };

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
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      let token: string;
      if (connection.webhookToken) token = vault.decrypt<string>(connection.webhookToken, `${connection.id}:webhook`);
      else {
        // Connections made before tokens were kept in the vault get a fresh token on first reveal.
        token = newSecretToken('whk');
        await updateConnection(db, auth.workspaceId, connection.id, { webhookTokenHash: hashToken(token), webhookToken: vault.encrypt(token, `${connection.id}:webhook`) });
      }
      await insertAuditLog(db, {
        workspaceId: auth.workspaceId,
        actorKeyId: auth.keyId,
        action: 'connection.webhook_url.reveal',
        targetType: 'connection',
        targetId: connection.id,
        data: { ip: request.ip },
      });
      reply.header('cache-control', 'no-store');
      return revealed(token);
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
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const graceSeconds = request.body?.grace_period_seconds ?? defaultWebhookGraceSeconds;
      const token = newSecretToken('whk');
      const rotated = await db.transaction(async (tx) => {
        const row = await rotateWebhookToken(tx, auth.workspaceId, connection.id, {
          hash: hashToken(token),
          ciphertext: vault.encrypt(token, `${connection.id}:webhook`),
          graceSeconds,
        });
        if (!row) throw new AppError('connection_not_found', `No connection "${connection.id}".`);
        await insertAuditLog(tx, {
          workspaceId: auth.workspaceId,
          actorKeyId: auth.keyId,
          action: 'connection.webhook_url.rotate',
          targetType: 'connection',
          targetId: connection.id,
          // Never a token, nor a prefix of one: who (actor key), when (the row's time), and the grace given.
          data: {
            ip: request.ip,
            grace_period_seconds: graceSeconds,
            previous_url_expires_at: row.previousWebhookTokenExpiresAt?.toISOString() ?? null,
            // A previous URL still in its grace period when this rotation came: it stopped working now.
            ended_earlier_grace: connection.previousWebhookTokenExpiresAt !== null && connection.previousWebhookTokenExpiresAt > new Date(),
          },
        });
        return row;
      });
      reply.header('cache-control', 'no-store');
      return {
        ...revealed(token),
        previous_url_expires_at: rotated.previousWebhookTokenExpiresAt?.toISOString() ?? null,
        grace_period_seconds: graceSeconds,
      };
    },
  );
}
