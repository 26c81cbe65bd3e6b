import { AppError } from '../../contracts/errors.js';
import { settleConnectionStatus, updateConnection } from '../../db/queries/connections.js';
import { loadConnection } from '../connections/load-connection.js';
import { OAuthError } from '../oauth/oauth-error.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { freshCredentials } from './fresh-credentials.js';
import { probeCredentials } from './verify-probe.js';
import type { ProductScope } from '../keys/product-scope.js';

export interface ConnectionCheck {
  ok: boolean;
  message: string;
  checkedAt: Date;
}

/**
 * Probes an installed connection's credentials and stores the result and time on it. An OAuth token past its
 * expiry is refreshed first, as a run would: the check is about the grant. A passing check is what proves an
 * unverified (pending) connection's credentials; a failing one leaves it pending. Refusals (ours or the
 * provider's) are a failed check; anything else is thrown.
 */
export async function checkConnectionCredentials(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'logger' | 'config' | 'providerTraffic'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string },
): Promise<ConnectionCheck> {
  const { db, catalog, vault } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  const { manifest } = catalog.get(connection.connectorId);
  let result;
  if (!connection.credentials && manifest.auth_mode !== 'none') result = { ok: false, message: `The connection is ${connection.status} and has no credentials.` };
  else {
    let secrets: ConnectionSecrets = connection.credentials ? vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id) : { fields: {} };
    try {
      if (secrets.oauth) {
        // Refreshed as a run would, without the run metrics (as the route did before).
        const refresher = { db, catalog, vault, logger: deps.logger, providerTraffic: deps.providerTraffic, options: { allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts, oauthApps: deps.config.oauthApps } };
        secrets = await freshCredentials(refresher, connection.id);
      }
      result = await probeCredentials({ connectionId: connection.id, traffic: deps.providerTraffic, manifest, config: connection.config, secrets, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof OAuthError)) throw error;
      result = { ok: false, message: error.message };
    }
  }
  const checkedAt = new Date();
  const checked = { lastCheckAt: checkedAt, lastCheckOk: result.ok, lastCheckMessage: result.message.slice(0, 500) };
  if (result.ok) await settleConnectionStatus(db, connection.id, 'connected', ['pending'], checked);
  else await updateConnection(db, input.workspaceId, connection.id, checked);
  return { ok: result.ok, message: result.message, checkedAt };
}
