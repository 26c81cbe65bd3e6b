import { newStateId, OAUTH_STATE_TTL_MS, signState } from './oauth-state.js';
import { deleteStaleOAuthStates, insertOAuthState } from '../../db/queries/oauth-states.js';
import { authorizeUrl, newCodeVerifier } from './authorize-url.js';
import type { OAuthContext } from './oauth-context.js';
import type { ServiceDeps } from '../service-deps.js';
import { callbackUrl } from './callback-url.js';

export interface Authorization {
  url: string;
  redirectUri: string;
  expiresAt: Date;
}

/**
 * Records one authorization attempt (its single-use row with the PKCE verifier, encrypted) and returns the
 * provider URL to open. The state names the row and is signed; it expires with the row, in ten minutes.
 */
export async function beginAuthorization(
  deps: Pick<ServiceDeps, 'db' | 'vault' | 'config'>,
  ctx: OAuthContext,
  input: { workspaceId: string; connectionId: string; returnUrl: string | undefined },
): Promise<Authorization> {
  const id = newStateId();
  const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
  const verifier = ctx.server.pkce ? newCodeVerifier() : null;
  const redirectUri = callbackUrl(deps.config.publicUrl);
  await deleteStaleOAuthStates(deps.db);
  await insertOAuthState(deps.db, {
    id,
    workspaceId: input.workspaceId,
    connectionId: input.connectionId,
    codeVerifier: verifier === null ? null : deps.vault.encrypt(verifier, `${id}:pkce`),
    redirectUri,
    returnUrl: input.returnUrl ?? null,
    expiresAt,
  });
  const state = signState(deps.vault, { id, workspaceId: input.workspaceId, connectionId: input.connectionId, expiresAt: expiresAt.getTime() });
  const url = await authorizeUrl(ctx.server, { clientId: ctx.client.client.client_id, redirectUri, state, codeVerifier: verifier });
  return { url, redirectUri, expiresAt };
}
