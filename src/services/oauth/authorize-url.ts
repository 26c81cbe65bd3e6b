import * as oauth from 'oauth4webapi';
import type { OAuthServer } from './oauth-server.js';

/** A PKCE code verifier (RFC 7636): 32 random bytes, base64url. */
export function newCodeVerifier(): string {
  return oauth.generateRandomCodeVerifier();
}

/**
 * The URL the user opens: response_type=code with our state, PKCE S256 unless the provider cannot do it, the
 * manifest's extra parameters (`access_type=offline`, `prompt=consent`…) and, for MCP servers, the RFC 8707
 * resource. Our own parameters are set last so a manifest cannot override the state or the challenge.
 */
export async function authorizeUrl(server: OAuthServer, input: { clientId: string; redirectUri: string; state: string; codeVerifier: string | null }): Promise<string> {
  const url = new URL(server.as.authorization_endpoint!);
  for (const [key, value] of Object.entries(server.authorizeParams)) url.searchParams.set(key, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  if (server.scopes.length > 0) url.searchParams.set('scope', server.scopes.join(server.scopeSeparator));
  url.searchParams.set('state', input.state);
  if (input.codeVerifier) {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(input.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  if (server.resource) url.searchParams.set('resource', server.resource);
  return url.href;
}
