import { AppError } from '../../contracts/errors.js';
import { verifyState } from './oauth-state.js';
import type { Db } from '../../db/db.js';
import { consumeLatestOAuthState, consumeOAuthState, getOAuthState, type OAuthStateRow } from '../../db/queries/oauth-states.js';
import type { Vault } from '../../core/vault.js';

export interface ConsumedState {
  row: OAuthStateRow;
  codeVerifier: string | null;
}

/**
 * Checks a returned `state` and uses it up: signature first (a forged or tampered state never reaches the
 * database), then the bindings the caller knows (the workspace of the API key, the connection named), then
 * the atomic single-use update — of two requests racing with one state, one wins, the other is a replay.
 */
export async function consumeState(db: Db, vault: Vault, state: string, expect: { workspaceId?: string; connectionId?: string } = {}): Promise<ConsumedState> {
  const check = verifyState(vault, state);
  if (!check.ok) {
    throw new AppError('invalid_state', check.reason === 'expired' ? 'The authorization has expired (10 minutes): start it again.' : 'The OAuth state is not valid: it was not issued by this server or was altered.');
  }
  const { claims } = check;
  if ((expect.workspaceId !== undefined && claims.workspaceId !== expect.workspaceId) || (expect.connectionId !== undefined && claims.connectionId !== expect.connectionId)) {
    throw new AppError('invalid_state', 'The OAuth state belongs to another connection.');
  }
  const row = await consumeOAuthState(db, claims.id);
  if (!row) throw await refusal(db, claims.id);
  if (row.workspaceId !== claims.workspaceId || row.connectionId !== claims.connectionId) {
    throw new AppError('invalid_state', 'The OAuth state belongs to another connection.');
  }
  return withVerifier(vault, row);
}

/** A pasted code without its state: the connection's newest pending authorization, used up the same way. */
export async function consumePendingState(db: Db, vault: Vault, workspaceId: string, connectionId: string): Promise<ConsumedState> {
  const row = await consumeLatestOAuthState(db, workspaceId, connectionId);
  if (!row) throw new AppError('invalid_state', 'This connection has no authorization in progress: start one with POST /api/v1/oauth/:connector/authorize.');
  return withVerifier(vault, row);
}

function withVerifier(vault: Vault, row: OAuthStateRow): ConsumedState {
  return { row, codeVerifier: row.codeVerifier === null ? null : vault.decrypt<string>(row.codeVerifier, `${row.id}:pkce`) };
}

async function refusal(db: Db, id: string): Promise<AppError> {
  const row = await getOAuthState(db, id);
  if (row?.usedAt) return new AppError('invalid_state', 'This authorization was already completed or attempted: the state is single-use. Start it again.');
  if (row) return new AppError('invalid_state', 'The authorization has expired (10 minutes): start it again.');
  return new AppError('invalid_state', 'The OAuth state is unknown: start the authorization again.');
}
