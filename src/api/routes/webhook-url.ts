import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../contracts/api/common.js';
import { hashToken } from '../../core/api-key-hash.js';
import { newSecretToken } from '../../core/ids.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { updateConnection } from '../../db/queries/connections.js';
import type { AppDeps } from '../app-deps.js';
import { authOf, requireRole } from '../auth.js';
import { loadConnection } from '../load-connection.js';

export async function webhookUrlRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, vault } = deps;

  app.post(
    '/connections/:id/webhook-url',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['triggers'],
        summary: "Reveal the connection's webhook trigger URL (audit-logged, never cached)",
        params: IdParamsSchema,
        response: { 200: z.object({ webhook_url: z.string(), token_prefix: z.string(), curl_example: z.string() }), 404: ErrorResponseSchema },
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
      const url = `${deps.config.publicUrl}/api/v1/webhooks/${token}`;
      reply.header('cache-control', 'no-store');
      return { webhook_url: url, token_prefix: `${token.slice(0, 8)}…`, curl_example: `curl -X POST ${url}` };
    },
  );
}
