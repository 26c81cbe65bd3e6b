import { mcpIssuer, mcpResource, mcpScopes } from './mcp-auth-settings.js';
import { McpOAuthError } from './mcp-oauth-error.js';
import { challengeShape } from './pkce.js';
import { resolveMcpClient, type McpAuthDeps } from './resolve-mcp-client.js';

/** A checked authorization request: what the consent page shows and the code will be bound to. */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string | null;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string;
  /** The client asked for `mcp:read` only: the grant will be read-only whatever the consent page says. */
  readOnlyRequested: boolean;
}

export type CheckedAuthorizationRequest =
  | { ok: true; request: AuthorizationRequest }
  /** No trustworthy redirect URI: the browser gets an error page, never a redirect (RFC 6749 §4.1.2.1). */
  | { ok: false; page: string }
  | { ok: false; redirect: string };

/**
 * RFC 6749 §4.1.1 with OAuth 2.1 and RFC 8707: the client and its exact redirect URI first (a failure there is
 * shown, not redirected: an attacker must not turn us into an open redirector), then response_type, PKCE S256,
 * the resource (our /mcp, the only audience we issue for) and the scope, whose failures go back to the client.
 */
export async function checkAuthorizationRequest(deps: McpAuthDeps, query: Record<string, unknown>): Promise<CheckedAuthorizationRequest> {
  const duplicated = Object.entries(query).find(([, value]) => typeof value !== 'string');
  const one = (name: string): string | undefined => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  if (typeof query['client_id'] !== 'string' && query['client_id'] !== undefined) return { ok: false, page: 'client_id is given more than once.' };
  if (typeof query['redirect_uri'] !== 'string' && query['redirect_uri'] !== undefined) return { ok: false, page: 'redirect_uri is given more than once.' };
  let client;
  try {
    client = await resolveMcpClient(deps, one('client_id'));
  } catch (error) {
    if (error instanceof McpOAuthError) return { ok: false, page: error.description };
    throw error;
  }
  const redirectUri = one('redirect_uri');
  if (!redirectUri) return { ok: false, page: 'redirect_uri is required.' };
  if (!client.redirectUris.includes(redirectUri)) return { ok: false, page: 'redirect_uri is not one this client registered (it must match exactly).' };

  const state = one('state');
  const fail = (error: McpOAuthError['error'], description: string) => ({ ok: false as const, redirect: errorRedirect(deps.config.publicUrl, redirectUri, state, error, description) });
  if (duplicated) return fail('invalid_request', `${duplicated[0]} is given more than once.`);
  const responseType = one('response_type');
  if (responseType !== 'code') return fail('unsupported_response_type', 'response_type must be "code".');
  const method = one('code_challenge_method');
  const challenge = one('code_challenge');
  if (!challenge) return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.');
  if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted).');
  if (!challengeShape.test(challenge)) return fail('invalid_request', 'code_challenge is not a base64url SHA-256 (43 characters).');
  const resource = one('resource');
  const expected = mcpResource(deps.config.publicUrl);
  if (!resource) return fail('invalid_target', `resource is required (RFC 8707): ${expected}.`);
  if (resource !== expected) return fail('invalid_target', `resource must be ${expected}, the only resource this server issues tokens for.`);
  const scope = one('scope');
  const scopes = scope ? scope.split(' ').filter(Boolean) : [];
  const unknownScope = scopes.find((s) => !(mcpScopes as readonly string[]).includes(s));
  if (unknownScope) return fail('invalid_scope', `Unknown scope "${unknownScope.slice(0, 50)}"; offered: ${mcpScopes.join(' ')}.`);
  return {
    ok: true,
    request: {
      clientId: client.id,
      clientName: client.name,
      redirectUri,
      state,
      codeChallenge: challenge,
      resource,
      readOnlyRequested: scopes.length > 0 && !scopes.includes('mcp:write'),
    },
  };
}

/** The client's redirect URI with an error (or, from approveAuthorization, a code), the state and our issuer (RFC 9207). */
export function errorRedirect(publicUrl: string, redirectUri: string, state: string | undefined, error: string, description: string): string {
  return clientRedirect(publicUrl, redirectUri, state, { error, error_description: description });
}

export function clientRedirect(publicUrl: string, redirectUri: string, state: string | undefined, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', mcpIssuer(publicUrl));
  return url.href;
}
