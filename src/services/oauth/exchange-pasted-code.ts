import { AppError } from '../../contracts/errors.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import { loadConnection } from '../connections/load-connection.js';
import { completeAuthorization, type OAuthCompletionDeps } from './complete-authorization.js';
import { consumePendingState, consumeState } from './consume-state.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * The manual flow: a code the user copied from the provider's page. With its state, the state is checked and
 * used up as on the redirect (bound to the caller's workspace and this connection); without it, the
 * connection's newest pending authorization is used. Then the code is exchanged once, as on the redirect.
 */
export async function exchangePastedCode(
  deps: OAuthCompletionDeps,
  input: { workspaceId: string; products: ProductScope; actorKeyId: string; connectionId: string; code: string; state?: string | undefined },
): Promise<ConnectionRow> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  const consumed = input.state
    ? await consumeState(deps.db, deps.vault, input.state, { workspaceId: input.workspaceId, connectionId: connection.id })
    : await consumePendingState(deps.db, deps.vault, input.workspaceId, connection.id);
  if (consumed.row.connectionId !== connection.id) throw new AppError('invalid_state', 'The OAuth state belongs to another connection.');
  return completeAuthorization(deps, consumed, { callback: new URLSearchParams({ code: input.code }), pasted: true, actorKeyId: input.actorKeyId });
}
