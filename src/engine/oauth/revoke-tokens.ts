import * as oauth from 'oauth4webapi';
import type { OAuthTokens } from '../connection-secrets.js';
import type { OAuthContext } from './oauth-context.js';
import { toOAuthError } from './oauth-error.js';

export interface RevocationResult {
  attempted: boolean;
  ok: boolean;
  message: string;
}

/**
 * RFC 7009: revokes the refresh token (which ends the grant at most providers) and the access token. Best
 * effort by design: the caller disconnects whatever this returns, so a provider that is down or refuses never
 * keeps a user connected; the result says what happened.
 */
export async function revokeTokens(ctx: OAuthContext, tokens: OAuthTokens): Promise<RevocationResult> {
  if (!ctx.server.as.revocation_endpoint) {
    return { attempted: false, ok: false, message: 'The provider has no revocation endpoint: revoke the access in its settings.' };
  }
  const targets: [string, 'refresh_token' | 'access_token'][] = [];
  if (tokens.refresh_token) targets.push([tokens.refresh_token, 'refresh_token']);
  targets.push([tokens.access_token, 'access_token']);
  const failures: string[] = [];
  for (const [token, hint] of targets) {
    try {
      const response = await oauth.revocationRequest(ctx.server.as, ctx.client.client, ctx.client.auth, token, {
        ...ctx.fetchOptions,
        additionalParameters: { token_type_hint: hint },
      });
      await oauth.processRevocationResponse(response);
    } catch (error) {
      failures.push(toOAuthError(error, `Revoking the ${hint.replace('_', ' ')}`, ctx.secrets).message);
    }
  }
  if (failures.length === 0) return { attempted: true, ok: true, message: 'The provider revoked the tokens.' };
  return { attempted: true, ok: false, message: failures.join('; ').slice(0, 500) };
}
