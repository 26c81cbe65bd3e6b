import { updateConnection, type ConnectionRow } from '../../db/queries/connections.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { oauthContext } from '../oauth/oauth-context.js';
import { notAttempted, revokeTokens, type RevocationResult } from '../oauth/revoke-tokens.js';
import { stopActiveRun } from '../runs/stop-active-run.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

export interface DisconnectDeps extends Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'config' | 'providerTraffic'> {
  /** Where the two warnings go (the API passes its request's logger, so they carry the request id). */
  logger: Pick<ServiceDeps['logger'], 'warn'>;
}

export interface Disconnected {
  connection: ConnectionRow;
  /** What revoking the OAuth tokens at the provider did. */
  revocation: RevocationResult;
}

/**
 * Disconnects a connection: asks an active run to stop, revokes OAuth tokens at the provider (RFC 7009) when it
 * has a revocation endpoint, then clears the credentials. Revocation is best effort: its outcome is reported,
 * and a provider that is down or refuses never keeps the connection connected.
 */
export async function disconnectConnection(deps: DisconnectDeps, input: { workspaceId: string; products: ProductScope; connectionId: string }): Promise<Disconnected> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  // The run stops before the credentials go, so it never syncs on with tokens the connection no longer has.
  const stopped = await stopActiveRun(deps.db, connection.id);
  if (stopped && (stopped.status === 'RUNNING' || stopped.status === 'PENDING')) deps.logger.warn({ connectionId: connection.id, runId: stopped.id, status: stopped.status }, 'the active run had not stopped when the connection was disconnected');
  const revocation = await revoke(deps, connection);
  if (!revocation.ok) deps.logger.warn({ connectionId: connection.id, outcome: revocation.outcome, message: revocation.message }, 'token revocation did not happen');
  const updated = await updateConnection(deps.db, input.workspaceId, connection.id, { credentials: null, credentialsKeyId: null, status: 'disconnected', nextSyncAt: null });
  return { connection: updated!, revocation };
}

async function revoke(deps: Pick<ServiceDeps, 'catalog' | 'vault' | 'config' | 'providerTraffic'>, connection: ConnectionRow): Promise<RevocationResult> {
  if (!connection.credentials) return { outcome: 'not_needed', attempted: false, ok: true, message: 'Nothing to revoke: the connection had no credentials.' };
  const secrets = deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id);
  if (!secrets.oauth) return { outcome: 'not_needed', attempted: false, ok: true, message: 'Nothing to revoke at the provider: the connection holds no OAuth tokens (pasted credentials are revoked in the provider\'s settings).' };
  try {
    const { manifest } = deps.catalog.get(connection.connectorId);
    const ctx = oauthContext({ manifest, traffic: deps.providerTraffic, config: connection.config, secrets, oauthApps: deps.config.oauthApps, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
    return await revokeTokens(ctx, secrets.oauth);
  } catch (error) {
    // No OAuth app any more, or a connector gone from the catalog: nothing to revoke with, but disconnect anyway.
    return notAttempted(error instanceof Error ? error.message.slice(0, 300) : 'revocation could not be set up.');
  }
}
