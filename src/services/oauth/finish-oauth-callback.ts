import type { z } from 'zod';
import type { CallbackQuerySchema } from '../../contracts/api/oauth.js';
import { AppError } from '../../contracts/errors.js';
import { completeAuthorization, recordProviderDenial, type OAuthCompletionDeps } from './complete-authorization.js';
import { consumeState } from './consume-state.js';

/** How a provider's redirect ended, for the caller to show: where to send the browser, or what to say. */
export type CallbackOutcome = {
  connectionId: string;
  /** The return URL recorded when the flow started, if any. */
  returnUrl: string | null;
} & (
  | { ok: true }
  | {
      ok: false;
      /** The provider's error (`access_denied`…) or our error code. */
      error: string;
      detail: string;
      /** The code exchange (or the setup after it) failed with this code, as opposed to the provider denying. */
      exchangeFailed?: string;
    }
);

/**
 * The provider sent the browser back (`code` and `state`, or `error`). The signed, single-use state is the
 * credential: a state we cannot trust is `invalid_state` and nothing else happens. With a good one, a denial is
 * recorded on the connection, a code is exchanged; what the user can correct comes back as an outcome, and only
 * our own failures (5xx) are thrown.
 */
export async function finishOAuthCallback(deps: OAuthCompletionDeps, input: { query: z.infer<typeof CallbackQuerySchema> }): Promise<CallbackOutcome> {
  const query = input.query;
  if (!query.state) throw new AppError('invalid_state', 'The callback has no state: start the authorization from Tributary.');
  const consumed = await consumeState(deps.db, deps.vault, query.state);
  const returnUrl = consumed.row.returnUrl;
  if (query.error || !query.code) {
    const error = query.error ?? 'invalid_request';
    const connection = await recordProviderDenial(deps, consumed, error, query.error ? query.error_description : 'the provider sent no code');
    return { ok: false, connectionId: connection.id, returnUrl, error, detail: connection.lastSyncError ?? `The provider refused the authorization: ${error}.` };
  }
  const params = new URLSearchParams(Object.entries(query).filter(([key, value]) => key !== 'state' && typeof value === 'string') as [string, string][]);
  try {
    const connection = await completeAuthorization(deps, consumed, { callback: params, pasted: false, actorKeyId: null });
    return { ok: true, connectionId: connection.id, returnUrl };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return { ok: false, connectionId: consumed.row.connectionId, returnUrl, error: error.code, detail: error.message, exchangeFailed: error.code };
  }
}
