import * as oauth from 'oauth4webapi';
import type { OAuthTokens } from '../credentials/connection-secrets.js';
import type { OAuthContext } from './oauth-context.js';
import { toOAuthError } from './oauth-error.js';

/**
 * The token endpoint's two grants. Neither is retried: a code is single-use (resending one that reached the
 * provider gets it refused, or worse, the grant revoked), and a rotated refresh token likewise — the caller
 * decides what a failure means.
 */
export async function exchangeCode(
  ctx: OAuthContext,
  input: { callback: URLSearchParams; redirectUri: string; codeVerifier: string | null; pasted?: boolean },
): Promise<OAuthTokens> {
  const { server, client } = ctx;
  try {
    const params = new URLSearchParams(input.callback);
    // Without a known issuer there is nothing to compare `iss` with (RFC 9207); the state row already binds
    // this code to the one server the connection uses.
    if (!ctx.server.issuerKnown) params.delete('iss');
    // A code pasted by hand comes without the redirect's `iss`; it was issued by the server the state row binds.
    else if (input.pasted && !params.has('iss') && server.as.authorization_response_iss_parameter_supported) params.set('iss', server.as.issuer);
    const validated = oauth.validateAuthResponse(server.as, client.client, params, oauth.skipStateCheck);
    const response = await oauth.authorizationCodeGrantRequest(
      server.as,
      client.client,
      client.auth,
      validated,
      input.redirectUri,
      input.codeVerifier ?? oauth.nopkce,
      { ...ctx.fetchOptions, ...resourceParameter(ctx) },
    );
    return storedTokens(await oauth.processAuthorizationCodeResponse(server.as, client.client, response, { recognizedTokenTypes: tokenTypes(ctx) }));
  } catch (error) {
    throw toOAuthError(error, 'Code exchange failed', ctx.secrets);
  }
}

export async function refreshGrant(ctx: OAuthContext, previous: OAuthTokens & { refresh_token: string }): Promise<OAuthTokens> {
  const { server, client } = ctx;
  try {
    const response = await oauth.refreshTokenGrantRequest(server.as, client.client, client.auth, previous.refresh_token, {
      ...ctx.fetchOptions,
      ...resourceParameter(ctx),
    });
    return storedTokens(await oauth.processRefreshTokenResponse(server.as, client.client, response, { recognizedTokenTypes: tokenTypes(ctx) }), previous);
  } catch (error) {
    throw toOAuthError(error, 'Token refresh failed', ctx.secrets);
  }
}

function resourceParameter(ctx: OAuthContext): { additionalParameters?: Record<string, string> } {
  return ctx.server.resource ? { additionalParameters: { resource: ctx.server.resource } } : {};
}

/** A provider that does not rotate refresh tokens sends none on refresh: the previous one stays valid. */
export function storedTokens(response: oauth.TokenEndpointResponse, previous?: OAuthTokens, now = Date.now()): OAuthTokens {
  const refresh = response.refresh_token ?? previous?.refresh_token;
  const scope = response.scope ?? previous?.scope;
  return {
    access_token: response.access_token,
    ...(refresh ? { refresh_token: refresh } : {}),
    ...(typeof response.expires_in === 'number' ? { expires_at: new Date(now + response.expires_in * 1000).toISOString() } : {}),
    token_type: response.token_type,
    ...(scope ? { scope } : {}),
  };
}

/** The manifest's extra token types, each accepted as is (they are sent as bearer tokens). */
function tokenTypes(ctx: OAuthContext): oauth.RecognizedTokenTypes {
  return Object.fromEntries(ctx.server.tokenTypes.map((type) => [type.toLowerCase(), () => {}]));
}
