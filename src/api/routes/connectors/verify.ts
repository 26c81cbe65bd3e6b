import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { AppError } from '../../../contracts/errors.js';
import { hasPastedSecret, validateConfig, validateFields } from '../../../core/connection-input.js';
import { newId } from '../../../core/ids.js';
import { settleConnectionStatus, updateConnection } from '../../../db/queries/connections.js';
import type { ConnectionSecrets } from '../../../services/credentials/connection-http.js';
import { probeCredentials } from '../../../services/credentials/verify-probe.js';
import { freshCredentials } from '../../../services/credentials/fresh-credentials.js';
import { OAuthError } from '../../../services/oauth/oauth-error.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';

const ProbeBody = z.object({ fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}), config: z.record(z.string(), z.unknown()).default({}) });
const ProbeResponse = z.object({ ok: z.boolean(), message: z.string() });

export async function verifyRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog, vault } = deps;

  const probeSubmitted = async (connectorId: string, body: z.infer<typeof ProbeBody>) => {
    const { manifest } = catalog.get(connectorId);
    const pasted = manifest.auth_mode === 'oauth2' && hasPastedSecret(manifest, body.fields);
    const fields = manifest.auth_mode === 'api_key' || manifest.auth_mode === 'conn_string' || pasted ? validateFields(manifest, body.fields) : {};
    const config = validateConfig(manifest, body.config);
    return probeCredentials({ connectionId: `probe_${newId('p')}`, traffic: deps.providerTraffic, manifest, config, secrets: { fields }, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
  };

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
      const { ok, message } = await probeSubmitted(request.params.id, request.body);
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
      if (!catalog.has(request.body.connector)) {
        throw new AppError('validation_failed', `connector: no connector "${request.body.connector}" in the catalog.`, { field: 'connector' });
      }
      const { ok, message } = await probeSubmitted(request.body.connector, request.body);
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
      const auth = authOf(request);
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(connection.connectorId);
      let result;
      if (!connection.credentials && manifest.auth_mode !== 'none') result = { ok: false, message: `The connection is ${connection.status} and has no credentials.` };
      else {
        let secrets: ConnectionSecrets = connection.credentials ? vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id) : { fields: {} };
        try {
          // An OAuth token past its expiry is refreshed first, as a run would: the check is about the grant.
          if (secrets.oauth) {
            secrets = await freshCredentials({ db, catalog, vault, logger: deps.logger, providerTraffic: deps.providerTraffic, options: deps.config }, connection.id);
          }
          result = await probeCredentials({ connectionId: connection.id, traffic: deps.providerTraffic, manifest, config: connection.config, secrets, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
        } catch (error) {
          if (!(error instanceof AppError) && !(error instanceof OAuthError)) throw error;
          result = { ok: false, message: error.message };
        }
      }
      const checkedAt = new Date();
      const checked = { lastCheckAt: checkedAt, lastCheckOk: result.ok, lastCheckMessage: result.message.slice(0, 500) };
      // A passing check is what proves an unverified (pending) connection's credentials; a failing one leaves it pending.
      if (result.ok) await settleConnectionStatus(db, connection.id, 'connected', ['pending'], checked);
      else await updateConnection(db, auth.workspaceId, connection.id, checked);
      return { ok: result.ok, message: result.message, checked_at: checkedAt.toISOString() };
    },
  );
}
