import * as oauth from 'oauth4webapi';
import type { OAuthTokens } from '../credentials/connection-secrets.js';
import type { OAuthContext } from './oauth-context.js';
import { toOAuthError, type OAuthError } from './oauth-error.js';

/**
 * What a disconnect's revocation did, exactly:
 * - `revoked`: the provider answered 200 to every revocation request (RFC 7009);
 * - `not_needed`: there was nothing to revoke (no credentials, or no OAuth tokens);
 * - `not_attempted`: nothing was sent (no revocation endpoint, no OAuth app, or a destination we refuse);
 * - `refused`: the provider answered with an error;
 * - `unreachable`: the provider could not be reached or answered 5xx / did not answer in time.
 */
export type RevocationOutcome = 'revoked' | 'not_needed' | 'not_attempted' | 'refused' | 'unreachable';

export interface RevocationResult {
  outcome: RevocationOutcome;
  /** A request reached (or was sent towards) the provider. */
  attempted: boolean;
  /** `revoked` or `not_needed`. */
  ok: boolean;
  message: string;
}

const STILL_VALID = "The tokens may still be valid at the provider until they expire: revoke the access in the provider's settings.";

export function notAttempted(reason: string): RevocationResult {
  return { outcome: 'not_attempted', attempted: false, ok: false, message: `Not attempted: ${reason} ${STILL_VALID}`.slice(0, 500) };
}

/** Our own refusals (SSRF guard, credential destinations): the request never left. */
function blockedByUs(error: OAuthError): boolean {
  return error.code === 'host_not_allowed' || error.code === 'credential_host_not_allowed';
}

/**
 * RFC 7009: revokes the refresh token (which ends the grant at most providers) and the access token. Best
 * effort by design: the caller disconnects whatever this returns, so a provider that is down or refuses never
 * keeps a user connected; the result says what happened, and never claims a revocation the provider did not answer.
 */
export async function revokeTokens(ctx: OAuthContext, tokens: OAuthTokens): Promise<RevocationResult> {
  if (!ctx.server.as.revocation_endpoint) return notAttempted('the provider has no revocation endpoint.');
  const targets: [string, 'refresh_token' | 'access_token'][] = [];
  if (tokens.refresh_token) targets.push([tokens.refresh_token, 'refresh_token']);
  targets.push([tokens.access_token, 'access_token']);
  const revoked: string[] = [];
  for (const [token, hint] of targets) {
    const what = hint.replace('_', ' ');
    try {
      const response = await oauth.revocationRequest(ctx.server.as, ctx.client.client, ctx.client.auth, token, {
        ...ctx.fetchOptions,
        additionalParameters: { token_type_hint: hint },
      });
      await oauth.processRevocationResponse(response);
      revoked.push(what);
    } catch (error) {
      const failure = toOAuthError(error, `Revoking the ${what}`, ctx.secrets);
      const before = revoked.length > 0 ? ` (the provider did revoke the ${revoked.join(' and ')})` : '';
      if (blockedByUs(failure)) return notAttempted(`${failure.message}${before}.`);
      if (failure.kind === 'transient') {
        return { outcome: 'unreachable', attempted: true, ok: false, message: `Attempted, but the provider could not be reached: ${failure.message}${before}. ${STILL_VALID}`.slice(0, 500) };
      }
      return { outcome: 'refused', attempted: true, ok: false, message: `Attempted, and the provider refused: ${failure.message}${before}. ${STILL_VALID}`.slice(0, 500) };
    }
  }
  return { outcome: 'revoked', attempted: true, ok: true, message: `The provider confirmed the revocation of the ${revoked.join(' and ')}.` };
}
