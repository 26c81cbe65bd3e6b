import { hasPastedSecret } from '../../core/connection-input.js';
import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import type { Db } from '../../db/db.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { getConnectionById, lockConnectionById, updateConnectionById, type ConnectionRow } from '../../db/queries/connections.js';
import type { ConnectionSecrets, OAuthTokens } from './connection-secrets.js';
import type { ServiceConfig, ServiceDeps } from '../service-deps.js';
import { shareCredentials, withCredentialLock } from './variant-credentials.js';
import { oauthContext } from '../oauth/oauth-context.js';
import { OAuthError, toOAuthError } from '../oauth/oauth-error.js';
import { refreshGrant } from '../oauth/token-grants.js';
import type { RefreshSecrets } from './retry-after-refresh.js';

/** Refresh when less than this is left, so a token does not expire between two pages of a run. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

/** Provider answers that mean the grant itself is gone (revoked, reused, expired): only the user can fix it. */
const GRANT_LOST = new Set(['invalid_grant']);
/** The client is refused (a rotated or deleted app): the operator or the user must fix it; tokens may still be good. */
const CLIENT_REFUSED = new Set(['invalid_client', 'unauthorized_client']);

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export interface FreshCredentialsOptions {
  /** The access token a provider just refused (a 401 mid-run): refresh, unless another worker already did. */
  rejectedAccessToken?: string;
  /** The run's log, so a refresh and its failure show in the run's history. */
  log?: Log;
  now?: () => number;
}

type Need = 'none' | 'refresh' | 'reauthorize';

/**
 * What a refresh touches. `options` holds where OAuth calls may go and with which app: the engine passes its own
 * options (EngineDeps fits as it is), a service its `config` (`{ ...deps, options: deps.config }`).
 */
export interface FreshCredentialsDeps extends Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'logger' | 'providerTraffic'> {
  options: Pick<ServiceConfig, 'oauthApps' | 'allowPrivateHosts' | 'allowedHosts'>;
  metrics?: ServiceDeps['metrics'];
}

/**
 * A connection's secrets, its OAuth access token refreshed first when less than five minutes are left (or a
 * provider just refused it). Two workers never refresh one connection at once: the refresh runs under the
 * connection row's lock (`select … for update`), and tokens are re-read once the lock is held, because the
 * worker that held it before may have refreshed already — with rotation, refreshing again with the old refresh
 * token would look like token theft and revoke the grant. The rotated refresh token is stored in the same
 * transaction, before the new access token is used.
 *
 * `invalid_grant` (the grant is revoked, expired, or was detected as reused) puts the connection in `error`,
 * drops the dead tokens, pauses its schedule, and records `connection.auth_failed` in the audit log — the
 * notification, until there is a notification system. A provider that is down fails the run as transient,
 * unless the current token is still valid, in which case the run goes on with it.
 */
export async function freshCredentials(deps: FreshCredentialsDeps, connectionId: string, options: FreshCredentialsOptions = {}): Promise<ConnectionSecrets> {
  const now = options.now ?? Date.now;
  const peek = await getConnectionById(deps.db, connectionId);
  if (!peek) throw new AppError('connection_not_found', `No connection "${connectionId}".`);
  const seen = decrypt(deps, peek);
  if (need(deps, peek, seen, options, now()) === 'none') return seen;

  // Variants refresh one at a time through their base's row lock: they share one grant.
  const outcome = await withCredentialLock(deps.db, peek, async (tx): Promise<{ secrets: ConnectionSecrets } | { failure: OAuthError }> => {
    const row = await lockConnectionById(tx, connectionId);
    if (!row) throw new AppError('connection_not_found', `No connection "${connectionId}".`);
    const secrets = decrypt(deps, row);
    const needed = need(deps, row, secrets, options, now());
    if (needed === 'none') return { secrets };
    const tokens = secrets.oauth;
    if (needed === 'reauthorize' || !tokens?.refresh_token) {
      throw new OAuthError('config', 'no_refresh_token', 'The access token has expired and the provider gave no refresh token: authorize the connection again.');
    }
    const manifest = deps.catalog.get(row.connectorId).manifest;
    const ctx = oauthContext({ traffic: deps.providerTraffic, manifest, config: row.config, secrets, oauthApps: deps.options.oauthApps, allowPrivateHosts: deps.options.allowPrivateHosts, allowedHosts: deps.options.allowedHosts });
    try {
      const fresh = await refreshGrant(ctx, { ...tokens, refresh_token: tokens.refresh_token });
      const next: ConnectionSecrets = { ...secrets, oauth: fresh };
      await updateConnectionById(tx, row.id, { credentials: deps.vault.encrypt(next, row.id), credentialsKeyId: deps.vault.activeKeyId });
      await shareCredentials(tx, deps.vault, row, next);
      options.log?.('info', `Refreshed the OAuth access token${fresh.refresh_token !== tokens.refresh_token ? ' (refresh token rotated)' : ''}`);
      return { secrets: next };
    } catch (error) {
      const failure = toOAuthError(error, 'Token refresh failed', ctx.secrets);
      deps.metrics?.tokenRefreshFailed(row.connectorId);
      if (GRANT_LOST.has(failure.code) || CLIENT_REFUSED.has(failure.code)) {
        await recordAuthFailure(tx, row, manifest, secrets, failure, deps);
        return { failure };
      }
      if (failure.kind === 'transient' && options.rejectedAccessToken === undefined && !expired(tokens, now())) {
        options.log?.('warn', `${failure.message}; the current token is still valid, so the run goes on with it.`);
        return { secrets };
      }
      throw failure;
    }
  });
  if ('failure' in outcome) {
    options.log?.('error', `OAuth authorization lost: ${outcome.failure.message}`);
    throw outcome.failure;
  }
  return outcome.secrets;
}

/** The hook `connectionHttp` calls on a 401: refresh (or pick up another worker's refresh) once. */
export function refreshAfterUnauthorized(deps: FreshCredentialsDeps, connectionId: string, log: Log, onFresh: (secrets: ConnectionSecrets) => void): RefreshSecrets {
  return async (rejected) => {
    if (!rejected.oauth?.refresh_token) return null;
    log('warn', 'The provider refused the access token (401); refreshing it and retrying once');
    const fresh = await freshCredentials(deps, connectionId, { rejectedAccessToken: rejected.oauth.access_token, log });
    onFresh(fresh);
    return fresh;
  };
}

function decrypt(deps: FreshCredentialsDeps, row: ConnectionRow): ConnectionSecrets {
  return row.credentials ? deps.vault.decrypt<ConnectionSecrets>(row.credentials, row.id) : { fields: {} };
}

function need(deps: FreshCredentialsDeps, row: ConnectionRow, secrets: ConnectionSecrets, options: FreshCredentialsOptions, now: number): Need {
  const tokens = secrets.oauth;
  if (!tokens) {
    if (usesOAuth(deps.catalog.get(row.connectorId).manifest, secrets)) {
      throw new OAuthError('config', 'not_authorized', `The connection has no OAuth tokens: authorize it again (POST /api/v1/oauth/${row.connectorId}/authorize with its connection_id).`);
    }
    return 'none';
  }
  if (options.rejectedAccessToken !== undefined) {
    // Another worker refreshed since this run read the token: use theirs.
    if (tokens.access_token !== options.rejectedAccessToken) return 'none';
    return tokens.refresh_token ? 'refresh' : 'reauthorize';
  }
  if (tokens.expires_at === undefined || Date.parse(tokens.expires_at) - now > REFRESH_AHEAD_MS) return 'none';
  if (tokens.refresh_token) return 'refresh';
  return expired(tokens, now) ? 'reauthorize' : 'none';
}

/** Connected through OAuth: by its mode, its own client, or (GitHub-like connectors) no pasted field at all. */
function usesOAuth(manifest: Manifest, secrets: ConnectionSecrets): boolean {
  // A pasted token (a Slack bot token, say) is used as is, like an API key, whatever the connector's mode.
  if (hasPastedSecret(manifest, secrets.fields)) return false;
  if (manifest.auth_mode === 'oauth2' || manifest.auth_mode === 'mcp_oauth' || secrets.oauth_client !== undefined) return true;
  return manifest.oauth !== undefined && Object.keys(secrets.fields).length === 0;
}

function expired(tokens: OAuthTokens, now: number): boolean {
  return tokens.expires_at !== undefined && Date.parse(tokens.expires_at) <= now;
}

async function recordAuthFailure(tx: Db, row: ConnectionRow, manifest: Manifest, secrets: ConnectionSecrets, failure: OAuthError, deps: FreshCredentialsDeps): Promise<void> {
  const grantLost = GRANT_LOST.has(failure.code);
  const advice = grantLost
    ? `authorize the connection again (POST /api/v1/oauth/${manifest.id}/authorize with its connection_id)`
    : "check the OAuth app's client id and secret";
  const message = `${failure.message}. The provider no longer accepts this connection's authorization: ${advice}.`;
  // A dead grant's tokens are useless; the connection's own OAuth client (byo, registered) is kept for the reconnect.
  const kept: ConnectionSecrets = grantLost ? { ...secrets, oauth: undefined } : secrets;
  await updateConnectionById(tx, row.id, {
    status: 'error',
    lastSyncError: message.slice(0, 500),
    credentials: deps.vault.encrypt(kept, row.id),
    credentialsKeyId: deps.vault.activeKeyId,
    // Scheduled runs would only fail again until someone reconnects; a reconnect resumes the schedule.
    nextSyncAt: null,
  });
  await insertAuditLog(tx, {
    workspaceId: row.workspaceId,
    actorKeyId: null,
    action: 'connection.auth_failed',
    targetType: 'connection',
    targetId: row.id,
    data: { connector: manifest.id, reason: failure.code, message: message.slice(0, 500) },
  });
  deps.logger.warn({ connectionId: row.id, reason: failure.code }, 'connection.auth_failed');
  failure.message = message.slice(0, 500);
}
