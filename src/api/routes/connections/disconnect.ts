import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { DisconnectResponseSchema } from '../../../contracts/api/oauth.js';
import { updateConnection, type ConnectionRow } from '../../../db/queries/connections.js';
import type { ConnectionSecrets } from '../../../services/credentials/connection-secrets.js';
import { oauthContext } from '../../../services/oauth/oauth-context.js';
import { notAttempted, revokeTokens, type RevocationResult } from '../../../services/oauth/revoke-tokens.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';
import { stopActiveRun } from '../../../services/runs/stop-active-run.js';
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
      const auth = authOf(request);
      const connection = await loadConnection(deps.db, auth.workspaceId, request.params.id);
      // The run stops before the credentials go, so it never syncs on with tokens the connection no longer has.
      const stopped = await stopActiveRun(deps.db, connection.id);
      if (stopped && (stopped.status === 'RUNNING' || stopped.status === 'PENDING')) request.log.warn({ connectionId: connection.id, runId: stopped.id, status: stopped.status }, 'the active run had not stopped when the connection was disconnected');
      const revocation = await revoke(deps, connection);
      if (!revocation.ok) request.log.warn({ connectionId: connection.id, outcome: revocation.outcome, message: revocation.message }, 'token revocation did not happen');
      const updated = await updateConnection(deps.db, auth.workspaceId, connection.id, { credentials: null, credentialsKeyId: null, status: 'disconnected', nextSyncAt: null });
      return { ...connectionView(updated!), revocation };
    },
  );
}

async function revoke(deps: AppDeps, connection: ConnectionRow): Promise<RevocationResult> {
  if (!connection.credentials) return { outcome: 'not_needed', attempted: false, ok: true, message: 'Nothing to revoke: the connection had no credentials.' };
  const secrets = deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id);
  if (!secrets.oauth) return { outcome: 'not_needed', attempted: false, ok: true, message: 'Nothing to revoke at the provider: the connection holds no OAuth tokens (pasted credentials are revoked in the provider\'s settings).' };
  try {
    const { manifest } = deps.catalog.get(connection.connectorId);
    const ctx = oauthContext({ traffic: deps.providerTraffic, manifest, config: connection.config, secrets, oauthApps: deps.config.oauthApps, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
    return await revokeTokens(ctx, secrets.oauth);
  } catch (error) {
    // No OAuth app any more, or a connector gone from the catalog: nothing to revoke with, but disconnect anyway.
    return notAttempted(error instanceof Error ? error.message.slice(0, 300) : 'revocation could not be set up.');
  }
}
