import type { Catalog } from '../../core/catalog.js';
import type { ConnectionRow } from '../../db/queries/connections.js';

/**
 * Whether a sync nobody is watching (a webhook delivery, run-all) may start for the connection: not disabled,
 * not waiting for OAuth, not `pending` (its credentials are unproven: only a manual sync, which is a check, or a
 * check runs it), and holding credentials unless its connector needs none.
 */
export function readyToSync(catalog: Catalog, connection: Pick<ConnectionRow, 'status' | 'credentials' | 'connectorId'>): boolean {
  if (connection.status === 'disabled' || connection.status === 'pending_auth' || connection.status === 'pending') return false;
  return Boolean(connection.credentials) || catalog.get(connection.connectorId).manifest.auth_mode === 'none';
}
