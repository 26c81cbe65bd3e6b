import { AppError } from '../../contracts/errors.js';
import { hashToken } from '../../core/api-key-hash.js';
import { findConnectionByWebhookHash } from '../../db/queries/connections.js';
import type { RunRow } from '../../db/queries/runs.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import type { ServiceDeps } from '../service-deps.js';
import { readyToSync } from './ready-to-sync.js';
import { requestRun } from './request-run.js';

/**
 * A webhook delivery: the token in its URL is the credential, and names the connection (by its hash: tokens
 * are not stored). When the connector signs its deliveries and the connection holds the signing secret, the
 * signature over the exact bytes received must verify. Starts an incremental sync of every stream, or returns
 * the run already active (`existing: true`).
 */
export async function triggerWebhookRun(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'runQueue'>,
  input: { token: string; rawBody: Buffer; headers: Record<string, string | string[] | undefined> },
): Promise<{ run: RunRow; existing: boolean }> {
  const connection = await findConnectionByWebhookHash(deps.db, hashToken(input.token));
  if (!connection) throw new AppError('not_found', 'No connection has this webhook token.');
  if (!readyToSync(deps.catalog, connection)) throw new AppError('connection_not_ready', `The connection is ${connection.status}; it cannot sync now.`);
  const entry = deps.catalog.get(connection.connectorId);
  const signature = entry.webhook;
  if (signature && connection.credentials) {
    const secret = deps.vault.decrypt<ConnectionSecrets>(connection.credentials, connection.id).fields[signature.secret_field];
    if (secret) {
      const verdict = signature.verify({ rawBody: input.rawBody, headers: input.headers, secret });
      if (!verdict.ok) throw new AppError('webhook_signature_invalid', `The webhook's signature does not verify (${verdict.reason}).`);
    }
  }
  return requestRun(deps, {
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    trigger: 'webhook',
    mode: 'incremental',
    streams: entry.manifest.streams.map((s) => s.name),
  });
}
