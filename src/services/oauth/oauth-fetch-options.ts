import * as oauth from 'oauth4webapi';
import { createGuardedFetch, type CredentialDestinations } from '../../http-client/index.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';

/**
 * Options for every oauth4webapi call: its HTTP goes through our SSRF guard (the same dispatcher as the
 * connections' own calls). `allowInsecureRequests` only lifts oauth4webapi's own https check, because the
 * guarded fetch already refuses plain http except to the operator's allowlisted private hosts (sandboxes).
 * `destinations`, for calls that carry a credential (a code with the client secret, a refresh token, a token
 * to revoke): every URL must be one the connection's credentials may go to. Discovery and registration of an
 * MCP server carry none and pass none.
 */
export function oauthFetchOptions(
  traffic: ProviderTraffic,
  allowPrivateHosts: string[],
  destinations?: CredentialDestinations,
): { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]: true } {
  const guarded = createGuardedFetch(traffic.guardFor(allowPrivateHosts), allowPrivateHosts, destinations ? { credentialDestinations: destinations } : {}) as unknown as typeof fetch;
  return {
    [oauth.customFetch]: (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => okFalseAsOAuthError(await guarded(input, init))) as typeof fetch,
    [oauth.allowInsecureRequests]: true,
  };
}

/**
 * Slack's Web API answers every failure with HTTP 200 and `{ ok: false, error }`, its token endpoint included
 * (`invalid_code`, `bad_redirect_uri`). RFC 6749 §5.2 says 400 `{ error }`; rewritten so, oauth4webapi reports
 * the provider's own error code instead of a missing access_token. No RFC token response carries `ok: false`.
 */
async function okFalseAsOAuthError(response: Response): Promise<Response> {
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const failed = body !== null && typeof body === 'object' && (body as { ok?: unknown }).ok === false && typeof (body as { error?: unknown }).error === 'string';
  const out = failed ? JSON.stringify({ error: (body as { error: string }).error, error_description: `The provider answered ok: false (${(body as { error: string }).error}).` }) : text;
  return new Response(out, { status: failed ? 400 : 200, statusText: failed ? 'Bad Request' : response.statusText, headers: response.headers });
}
