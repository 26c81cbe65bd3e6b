import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';

export interface OidcTestProvider {
  issuer: string;
  /** host:port, for TRIBUTARY_ALLOW_PRIVATE_HOSTS. */
  host: string;
  provider: Provider;
  /** Token requests answered, by grant type (to count refreshes). */
  tokenRequests: Record<string, number>;
  /**
   * Ends one access token at the provider now, and nothing else of its grant (as a provider that shortens
   * lifetimes or revokes access tokens only does): introspection calls it inactive from here on, while the
   * refresh token stays good. Deterministic, where waiting out a short lifetime would race the clock.
   */
  endAccessToken(token: string): Promise<void>;
  close(): Promise<void>;
}

export interface OidcTestProviderOptions {
  clients: ClientMetadata[];
  /** Open dynamic client registration (RFC 7591), for MCP servers' clients. */
  registration?: boolean;
  accessTokenTtlSeconds?: number;
  /** RFC 8707 resource indicators, as MCP clients send them: tokens are issued for the named resource. */
  resourceIndicators?: boolean;
}

/**
 * A real, certified OpenID provider (panva's oidc-provider) on loopback, configured like a strict production
 * authorization server: PKCE required for everyone, refresh tokens rotated on every use (reusing a rotated one
 * revokes the whole grant), revocation and introspection on, offline_access only with prompt=consent. Its dev
 * interactions (login and consent forms) are driven headlessly by `authorizeInBrowser`.
 */
export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  // The issuer is fixed when the provider is built, so the port is taken first.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const configuration: Configuration = {
    clients: options.clients,
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'api:read'],
    rotateRefreshToken: true,
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Interaction: 600, Session: 3600 },
    features: {
      devInteractions: { enabled: true },
      // A client may revoke only its own tokens; any authenticated client (the resource servers) may introspect.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: true, allowedPolicy: async () => true },
      registration: { enabled: options.registration ?? false },
      resourceIndicators: {
        enabled: options.resourceIndicators ?? false,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined!,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({ scope: 'api:read', audience: resource, accessTokenFormat: 'opaque' }),
      },
    },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
  };
  const provider = new Provider(issuer, configuration);
  const tokenRequests: Record<string, number> = {};
  provider.on('grant.success', (ctx) => {
    const grant = String((ctx.oidc.params as { grant_type?: unknown } | undefined)?.grant_type ?? 'unknown');
    tokenRequests[grant] = (tokenRequests[grant] ?? 0) + 1;
  });
  // Quiet: the provider's own warnings (dev interactions, dev keys) are expected here.
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());
  return {
    issuer,
    host: `127.0.0.1:${port}`,
    provider,
    tokenRequests,
    async endAccessToken(token) {
      const found = await provider.AccessToken.find(token);
      if (!found) throw new Error('the provider does not know this access token');
      await found.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
