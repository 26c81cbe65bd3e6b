import type { Schedule } from '../../contracts/api/connections.js';
import { AppError } from '../../contracts/errors.js';
import { nextRunAt } from '../../core/schedule.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { getConnection, updateConnection, type ConnectionRow } from '../../db/queries/connections.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { oauthContext } from './oauth-context.js';
import { toOAuthError } from './oauth-error.js';
import { exchangeCode } from './token-grants.js';
import { connectionHttp } from '../credentials/connection-http.js';
import { checkCredentialDestinations } from '../credentials/connection-destinations.js';
import { shareCredentials, withCredentialLock } from '../credentials/variant-credentials.js';
import { validateConfig } from '../../core/connection-input.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ConsumedState } from './consume-state.js';
import { oauthAppError } from './oauth-app-error.js';
import { logTributaryActivity } from '../crm/tributary-activity.js';

export type OAuthCompletionDeps = Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'config' | 'providerTraffic'>;

/**
 * Trades the code for tokens (once: a code is never resent), stores them in the vault and marks the connection
 * `connected`, resuming its schedule. A refused exchange leaves a pending connection in `error` with the reason.
 */
export async function completeAuthorization(
  deps: OAuthCompletionDeps,
  consumed: ConsumedState,
  input: { callback: URLSearchParams; pasted: boolean; actorKeyId: string | null },
): Promise<ConnectionRow> {
  const connection = await connectionOf(deps, consumed);
  const { manifest, afterAuthorization } = deps.catalog.get(connection.connectorId);
  const secrets: ConnectionSecrets = connection.credentials ? deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id) : { fields: {} };
  let tokens;
  try {
    const ctx = oauthContext({ traffic: deps.providerTraffic, manifest, config: connection.config, secrets, oauthApps: deps.config.oauthApps, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
    tokens = await exchangeCode(ctx, { callback: input.callback, redirectUri: consumed.row.redirectUri, codeVerifier: consumed.codeVerifier, pasted: input.pasted });
  } catch (error) {
    const failure = toOAuthError(error, 'Code exchange failed', []);
    await recordFailure(deps, connection, secrets, failure.message);
    throw oauthAppError(error);
  }
  const next: ConnectionSecrets = { ...secrets, oauth: tokens };
  let config = connection.config;
  if (afterAuthorization) {
    try {
      const found = await afterAuthorization({
        http: connectionHttp({ connectionId: connection.id, traffic: deps.providerTraffic, manifest, config, secrets: next, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts }),
        callback: providerParams(input.callback),
        config,
      });
      config = validateConfig(manifest, { ...config, ...found });
      // A base URL the provider hands back is a destination like any other: allowed hosts only.
      checkCredentialDestinations(manifest, config, deps.config);
    } catch (error) {
      // The tokens are good but the connection can't be used without what the provider didn't give us.
      const message = `Authorized, but setting the connection up failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
      await updateConnection(deps.db, connection.workspaceId, connection.id, {
        credentials: deps.vault.encrypt(next, connection.id),
        credentialsKeyId: deps.vault.activeKeyId,
        status: 'error',
        lastSyncError: message,
      });
      throw error instanceof AppError && error.code === 'credential_host_not_allowed' ? error : new AppError('provider_unavailable', message);
    }
  }
  const updated = await withCredentialLock(deps.db, connection, async (tx) => {
    const saved = await updateConnection(tx, connection.workspaceId, connection.id, {
      config,
      credentials: deps.vault.encrypt(next, connection.id),
      credentialsKeyId: deps.vault.activeKeyId,
      status: 'connected',
      lastSyncError: null,
      nextSyncAt: connection.nextSyncAt ?? nextRunAt(connection.schedule as Schedule | null, new Date()),
    });
    await shareCredentials(tx, deps.vault, connection, next);
    return saved;
  });
  await insertAuditLog(deps.db, {
    workspaceId: connection.workspaceId,
    actorKeyId: input.actorKeyId,
    action: 'connection.authorized',
    targetType: 'connection',
    targetId: connection.id,
    data: { connector: manifest.id, scope: tokens.scope ?? null, refresh_token: tokens.refresh_token !== undefined },
  });
  await logTributaryActivity(deps.db, updated!, 'connection_authorized', { title: `Connection authorized: ${connection.name}`, description: `${manifest.name} authorized through OAuth.` });
  return updated!;
}

/** What the provider put on the redirect besides the grant itself. */
function providerParams(callback: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(callback);
  for (const key of ['code', 'state', 'iss', 'session_state']) out.delete(key);
  return out;
}

/** The provider said no (`error=access_denied`…) before any code: the connection says why. */
export async function recordProviderDenial(deps: OAuthCompletionDeps, consumed: ConsumedState, error: string, description: string | undefined): Promise<ConnectionRow> {
  const connection = await connectionOf(deps, consumed);
  const secrets: ConnectionSecrets = connection.credentials ? deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id) : { fields: {} };
  const message = `The provider refused the authorization: ${error}${description ? ` (${description})` : ''}.`.slice(0, 500);
  return recordFailure(deps, connection, secrets, message);
}

async function connectionOf(deps: OAuthCompletionDeps, consumed: ConsumedState): Promise<ConnectionRow> {
  const connection = await getConnection(deps.db, consumed.row.workspaceId, consumed.row.connectionId);
  if (!connection) throw new AppError('invalid_state', 'The connection of this authorization no longer exists.');
  return connection;
}

/** A connection that still has working tokens keeps them and its status; one waiting for its first tokens goes to `error`. */
async function recordFailure(deps: OAuthCompletionDeps, connection: ConnectionRow, secrets: ConnectionSecrets, message: string): Promise<ConnectionRow> {
  if (secrets.oauth) return connection;
  const updated = await updateConnection(deps.db, connection.workspaceId, connection.id, { status: 'error', lastSyncError: message.slice(0, 500) });
  return updated ?? connection;
}
