import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { ConnectionSchema } from '../../../contracts/api/connections.js';
import { AuthorizeBodySchema, AuthorizeResponseSchema, ExchangeBodySchema } from '../../../contracts/api/oauth.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { exchangePastedCode } from '../../../services/oauth/exchange-pasted-code.js';
import { startOAuthConnection } from '../../../services/oauth/start-oauth-connection.js';
import { connectionView } from '../../views.js';

/** POST /oauth/:connector/authorize (start or reconnect) and POST /oauth/exchange (a code pasted by hand). */
export async function oauthAuthorizeRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/oauth/:connector/authorize',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['oauth'],
        summary: 'Start an OAuth authorization: creates the connection in pending_auth (or reuses connection_id) and returns the URL to open',
        params: z.object({ connector: z.string().min(1) }),
        body: AuthorizeBodySchema,
        response: { 200: AuthorizeResponseSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 502: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const body = request.body;
      const { manifest } = deps.catalog.get(request.params.connector);
      const started = await startOAuthConnection(deps, manifest, {
        workspaceId: auth.workspaceId,
        products: auth.products,
        name: body.name,
        clientId: body.client_id,
        clientSecret: body.client_secret,
        connectionId: body.connection_id,
        returnUrl: body.return_url,
        config: body.config,
        product: body.product,
        companyId: body.company_id,
      });
      const authorization = started.authorization!;
      return {
        authorize_url: authorization.url,
        connection_id: started.connection.id,
        redirect_uri: authorization.redirectUri,
        expires_at: authorization.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/oauth/exchange',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['oauth'],
        summary: 'Exchange a pasted authorization code (manual flow); without state, the connection\'s pending authorization is used',
        body: ExchangeBodySchema,
        response: { 200: ConnectionSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 502: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const { connection_id: connectionId, code, state } = request.body;
      const updated = await exchangePastedCode(deps, { workspaceId: auth.workspaceId, products: auth.products, actorKeyId: auth.keyId, connectionId, code, state });
      return connectionView(updated);
    },
  );
}
