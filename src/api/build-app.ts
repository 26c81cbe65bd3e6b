import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppDeps } from './app-deps.js';
import { authenticate } from './auth.js';
import { hoistRoleCheck } from './hoist-role-check.js';
import { refuseReadOnlyWrites } from './refuse-read-only-writes.js';
import { errorHandler } from './error-handler.js';
import { installInputGuard } from './input-guard.js';
import { redactUrl, refuseUnredactedCredentialRoute } from './redact-url.js';
import { apiKeyRoutes } from './routes/keys/api-keys.js';
import { connectorRoutes } from './routes/connectors/connectors.js';
import { connectionRoutes } from './routes/connections/connections.js';
import { crmEntityRoutes } from './routes/crm/crm-entities.js';
import { crmMappingRoutes } from './routes/crm/crm-mappings.js';
import { variantRoutes } from './routes/connections/variants.js';
import { disconnectRoutes } from './routes/connections/disconnect.js';
import { healthRoutes } from './routes/ops/health.js';
import { metricsRoutes } from './routes/ops/metrics.js';
import { mcpAuthRoutes } from './routes/mcp-auth/mcp-auth-routes.js';
import { oauthAuthorizeRoutes } from './routes/oauth/oauth-authorize.js';
import { oauthCallbackRoutes } from './routes/oauth/oauth-callback.js';
import { keyRoutes } from './routes/keys/encryption-keys.js';
import { recordRoutes } from './routes/connections/records.js';
import { runRoutes } from './routes/runs/runs.js';
import { stateRoutes } from './routes/connections/state.js';
import { tableSchemaRoutes } from './routes/connections/table-schema.js';
import { triggerRoutes } from './routes/webhooks/triggers.js';
import { verifyRoutes } from './routes/connectors/verify.js';
import { webhookUrlRoutes } from './routes/connections/webhook-url.js';
import { workspaceRoutes } from './routes/workspace/workspace.js';

/** Routes of a layer above the API (the MCP server), registered by the caller that may import it (cli/runtime). */
export type AppExtension = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

/**
 * The HTTP API as a factory: `server.ts` (the CLI's serve) only listens; tests call `inject()` in-process.
 * Route schemas are zod, from which validation, types and the OpenAPI document derive.
 */
export async function buildApp(deps: AppDeps, extensions: AppExtension[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    genReqId: () => Math.random().toString(36).slice(2, 12),
    // Errors raised before routing (a URL whose percent-encoding does not decode) get the same envelope.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${redactUrl(request.url)}.` } }),
  );
  app.decorateRequest('auth', undefined);
  installInputGuard(app);
  // The API reads JSON only: a text/plain body is a 415 rather than a string that fails every body schema.
  // (The webhook trigger's scope adds its own raw parsers.)
  app.removeContentTypeParser('text/plain');
  app.addHook('onRoute', refuseUnredactedCredentialRoute);
  const metrics = deps.metrics;
  if (metrics) {
    // By route pattern (`/api/v1/runs/:id`), never the URL: no ids or tokens in labels, and bounded cardinality.
    app.addHook('onResponse', async (request, reply) => {
      metrics.apiRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tributary API', version: '0.1.0', description: 'Connect SaaS accounts and sync their data into Postgres tables you own.' },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API key. A read-only key is refused (403 read_only_key) by every operation marked `x-read-only-keys: refused`; a key scoped to products sees and writes only CRM rows and connections of those products (others are 404, untagged ones included).',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => healthRoutes(scope, deps));
  if (metrics) await app.register(async (scope) => metricsRoutes(scope, metrics, deps.config.metricsToken));
  await app.register(async (scope) => triggerRoutes(scope, deps), { prefix: '/api/v1' });
  // Public like the trigger: a provider's redirect carries no API key; the signed state is the credential.
  await app.register(async (scope) => oauthCallbackRoutes(scope, deps), { prefix: '/api/v1' });
  await app.register(async (scope) => mcpAuthRoutes(scope, deps));
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', authenticate(deps));
      scope.addHook('onRoute', hoistRoleCheck);
      // After the role check is hoisted, so a read-only key's write is refused as read-only before anything else.
      scope.addHook('onRoute', refuseReadOnlyWrites);
      await connectorRoutes(scope, deps);
      await connectionRoutes(scope, deps);
      await variantRoutes(scope, deps);
      await runRoutes(scope, deps);
      await stateRoutes(scope, deps);
      await recordRoutes(scope, deps);
      await tableSchemaRoutes(scope, deps);
      await webhookUrlRoutes(scope, deps);
      await workspaceRoutes(scope, deps);
      await apiKeyRoutes(scope, deps);
      await verifyRoutes(scope, deps);
      await disconnectRoutes(scope, deps);
      await oauthAuthorizeRoutes(scope, deps);
      await keyRoutes(scope, deps);
      await crmEntityRoutes(scope, deps);
      await crmMappingRoutes(scope, deps);
    },
    { prefix: '/api/v1' },
  );
  for (const extend of extensions) await extend(app, deps);
  return app;
}
