import * as oauth from 'oauth4webapi';
import type { DiscoveredServer } from '../credentials/connection-secrets.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';
import { oauthFetchOptions } from './oauth-fetch-options.js';
import { OAuthError, toOAuthError } from './oauth-error.js';

export interface McpAuthorization {
  server: DiscoveredServer;
  /** The full metadata, for registration (its endpoint, the auth methods it supports). */
  metadata: oauth.AuthorizationServer;
}

/**
 * Finds who issues tokens for a remote MCP server, as the MCP authorization spec prescribes:
 * RFC 9728 protected-resource metadata (`/.well-known/oauth-protected-resource` inserted before the server
 * URL's path, then at the root) names the authorization server, whose RFC 8414 metadata (or OpenID Connect
 * discovery) gives its endpoints. Every request goes through the SSRF guard. PKCE S256 is required (OAuth 2.1).
 */
export async function discoverMcpAuthorization(traffic: ProviderTraffic, serverUrl: string, allowPrivateHosts: string[]): Promise<McpAuthorization> {
  const options = oauthFetchOptions(traffic, allowPrivateHosts);
  const resource = new URL(serverUrl);
  let step = 'Protected resource discovery';
  try {
    const prm = await protectedResourceMetadata(resource, options);
    const issuer = prm.authorization_servers?.[0];
    if (!issuer) throw new OAuthError('provider', 'invalid_metadata', `${step}: ${resource.href} names no authorization server.`);
    step = 'Authorization server discovery';
    const metadata = await authorizationServerMetadata(new URL(issuer), options);
    if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
      throw new OAuthError('provider', 'invalid_metadata', `${step}: ${issuer} lists no authorization or token endpoint.`);
    }
    if (!metadata.code_challenge_methods_supported?.includes('S256')) {
      throw new OAuthError('provider', 'pkce_unsupported', `${step}: ${issuer} does not advertise PKCE S256, which OAuth 2.1 requires.`);
    }
    const offered = prm.scopes_supported ?? [];
    // A refresh token needs offline_access at OpenID providers; ask for it when the server lists it.
    const scopes = metadata.scopes_supported?.includes('offline_access') && !offered.includes('offline_access') ? [...offered, 'offline_access'] : offered;
    return {
      metadata,
      server: {
        issuer: metadata.issuer,
        authorization_endpoint: metadata.authorization_endpoint,
        token_endpoint: metadata.token_endpoint,
        ...(metadata.revocation_endpoint ? { revocation_endpoint: metadata.revocation_endpoint } : {}),
        resource: prm.resource,
        scopes,
        ...(metadata.authorization_response_iss_parameter_supported ? { iss_parameter_supported: true } : {}),
      },
    };
  } catch (error) {
    throw toOAuthError(error, step, []);
  }
}

async function protectedResourceMetadata(resource: URL, options: ReturnType<typeof oauthFetchOptions>): Promise<oauth.ResourceServer> {
  const response = await oauth.resourceDiscoveryRequest(resource, options);
  if (response.status !== 404 || resource.pathname === '/') return oauth.processResourceDiscoveryResponse(resource, response);
  // Servers that publish one document at the root for the whole host.
  const root = new URL('/.well-known/oauth-protected-resource', resource);
  const fallback = await options[oauth.customFetch](root.href, { method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual' });
  return oauth.processResourceDiscoveryResponse(resource, fallback);
}

async function authorizationServerMetadata(issuer: URL, options: ReturnType<typeof oauthFetchOptions>): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' });
  if (response.status !== 404) return oauth.processDiscoveryResponse(issuer, response);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' }));
}
