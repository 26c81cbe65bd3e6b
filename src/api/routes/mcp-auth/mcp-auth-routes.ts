import type { FastifyInstance, FastifyReply } from 'fastify';
import { authenticateMcpClient } from '../../../services/mcp-auth/authenticate-mcp-client.js';
import { authorizationServerMetadata, protectedResourceMetadata } from '../../../services/mcp-auth/authorization-server-metadata.js';
import { ClientMetadataDocuments } from '../../../services/mcp-auth/client-metadata-documents.js';
import { exchangeMcpToken } from '../../../services/mcp-auth/exchange-mcp-token.js';
import { McpOAuthError } from '../../../services/mcp-auth/mcp-oauth-error.js';
import { registerMcpClient } from '../../../services/mcp-auth/register-mcp-client.js';
import type { McpAuthDeps } from '../../../services/mcp-auth/resolve-mcp-client.js';
import { revokeMcpToken } from '../../../services/mcp-auth/revoke-mcp-token.js';
import { sweepStaleMcpOauth } from '../../../services/mcp-auth/sweep-stale-mcp-oauth.js';
import type { AppDeps } from '../../app-deps.js';
import { AddressRateLimit } from './address-rate-limit.js';
import { authorizeRoutes } from './authorize.js';
import { acceptFormBodies, clientCredentials, singleValuedForm } from './form-body.js';
import { oauthErrorHandler } from './oauth-error-reply.js';

/**
 * Tributary as the OAuth 2.1 authorization server of its own MCP endpoint (docs/mcp-oauth.md): RFC 9728 and
 * RFC 8414 metadata, RFC 7591 registration, the authorization endpoint with its consent page, the token endpoint
 * and RFC 7009 revocation. Public routes (no API key): the clients are MCP clients, the proof is OAuth's own.
 * Browser-based MCP clients call the JSON endpoints cross-origin; they carry no cookies, so `*` is safe there.
 * Hidden from the REST API's OpenAPI document: these speak OAuth (form bodies, RFC error bodies, HTML), are
 * described by their own RFC 8414 metadata, and are documented in docs/mcp-oauth.md.
 */
export async function mcpAuthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const mcpDeps: McpAuthDeps = { db: deps.db, vault: deps.vault, config: deps.config, clientDocuments: new ClientMetadataDocuments(deps.providerTraffic) };
  const registrations = new AddressRateLimit(20, 3600_000);
  const signIns = new AddressRateLimit(30, 60_000);
  let nextSweepAt = 0;

  app.setErrorHandler(oauthErrorHandler);
  acceptFormBodies(app);

  const cors = (reply: FastifyReply) => reply.header('access-control-allow-origin', '*');
  for (const url of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server', '/oauth2/token', '/oauth2/register', '/oauth2/revoke']) {
    app.options(url, { schema: { hide: true } }, async (_request, reply) =>
      cors(reply)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, mcp-protocol-version')
        .header('access-control-max-age', '600')
        .status(204)
        .send(),
    );
  }

  const metadataHeaders = (reply: FastifyReply) => cors(reply).header('cache-control', 'public, max-age=300');
  for (const url of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    app.get(url, { schema: { hide: true, summary: 'RFC 9728 protected-resource metadata of /mcp' } }, async (_request, reply) =>
      metadataHeaders(reply).send(protectedResourceMetadata(deps.config.publicUrl)),
    );
  }
  app.get('/.well-known/oauth-authorization-server', { schema: { hide: true, summary: 'RFC 8414 authorization-server metadata' } }, async (_request, reply) =>
    metadataHeaders(reply).send(authorizationServerMetadata(deps.config.publicUrl)),
  );

  app.post('/oauth2/register', { schema: { hide: true, summary: 'RFC 7591 dynamic client registration' } }, async (request, reply) => {
    cors(reply).header('cache-control', 'no-store');
    if (!registrations.take(request.ip)) throw new McpOAuthError('too_many_requests', 'Too many client registrations from this address; try again later.');
    const registered = await registerMcpClient(deps, request.body);
    return reply.status(201).send(registered.response);
  });

  app.post('/oauth2/token', { schema: { hide: true, summary: 'OAuth 2.1 token endpoint (authorization_code with PKCE, refresh_token with rotation)' } }, async (request, reply) => {
    cors(reply).header('cache-control', 'no-store').header('pragma', 'no-cache');
    const form = singleValuedForm(request);
    const client = await authenticateMcpClient(mcpDeps, clientCredentials(request, form));
    const tokens = await exchangeMcpToken(mcpDeps, client, form);
    if (Date.now() >= nextSweepAt) {
      nextSweepAt = Date.now() + 3600_000;
      sweepStaleMcpOauth(deps).catch((error: unknown) => request.log.warn({ err: error }, 'sweeping stale MCP OAuth rows failed'));
    }
    return reply.send(tokens);
  });

  app.post('/oauth2/revoke', { schema: { hide: true, summary: 'RFC 7009 token revocation' } }, async (request, reply) => {
    cors(reply).header('cache-control', 'no-store');
    const form = singleValuedForm(request);
    const client = await authenticateMcpClient(mcpDeps, clientCredentials(request, form));
    if (!form['token']) throw new McpOAuthError('invalid_request', 'token is required.');
    await revokeMcpToken(mcpDeps, client, form['token']);
    return reply.status(200).send();
  });

  await authorizeRoutes(app, mcpDeps, signIns);
}
