import type { Schedule, UpdateConnectionBody } from '../../contracts/api/connections.js';
import { AppError } from '../../contracts/errors.js';
import { hasPastedSecret, validateConfig, validateFields } from '../../core/connection-input.js';
import { nextRunAt } from '../../core/schedule.js';
import { listVariantGroup, updateConnection, type ConnectionPatch, type ConnectionRow } from '../../db/queries/connections.js';
import { checkConfigUrls } from '../credentials/conn-string-guard.js';
import { changedDestinations, checkCredentialDestinations, credentialsForMove, withoutOAuth } from '../credentials/connection-destinations.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { shareCredentials, withCredentialLock } from '../credentials/variant-credentials.js';
import { checkCompanyId } from '../crm/check-company-id.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import { verifyBeforeSaving } from './verify-before-saving.js';
import { checkProductWrite, type ProductScope } from '../keys/product-scope.js';

/**
 * Changes a connection (PATCH /connections/:id): name, product, company, recipients, status, schedule, config
 * (merged over the stored one; null removes a key) and credential fields (merged too). A config change that moves
 * where credentials go drops an OAuth grant meant for the old server (the connection waits in `pending_auth`);
 * new credentials that reconnect it are probed first, as at install, and reach every variant of its group.
 */
export async function editConnection(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'config' | 'providerTraffic'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string; changes: UpdateConnectionBody },
): Promise<ConnectionRow> {
  const { db, vault } = deps;
  const { workspaceId, changes } = input;
  const row = await loadConnection(db, workspaceId, input.connectionId, input.products);
  const { manifest } = deps.catalog.get(row.connectorId);
  const patch: ConnectionPatch = {};
  // New credentials, shared with the connection's variants once saved.
  let newSecrets: ConnectionSecrets | undefined;
  // Set when a destination change dropped an OAuth grant: new fields build on what is left.
  let remaining: ConnectionSecrets | undefined;
  if (changes.name !== undefined) patch.name = changes.name;
  if (changes.product !== undefined) {
    // A scoped caller moves a connection only among its products (never to untagged, the workspace's own).
    checkProductWrite(changes.product, input.products);
    patch.product = changes.product;
  }
  if (changes.company_id !== undefined) {
    // A company attached earlier and since deleted does not block other changes sent with the same value.
    if (changes.company_id !== row.companyId) await checkCompanyId(db, workspaceId, changes.company_id, input.products);
    patch.companyId = changes.company_id;
  }
  if (changes.notify_user_ids !== undefined) patch.notifyUserIds = changes.notify_user_ids;
  if (changes.status !== undefined) {
    if (row.status === 'pending' && changes.status === 'connected') {
      throw new AppError('connection_not_ready', 'The connection is pending: its credentials are unverified. POST /api/v1/connections/:id/check (or run a sync) to make it connected.');
    }
    patch.status = changes.status;
  }
  if (changes.schedule !== undefined) {
    patch.schedule = changes.schedule;
    patch.nextSyncAt = nextRunAt(changes.schedule, new Date());
  }
  if (changes.config !== undefined) {
    const merged: Record<string, unknown> = { ...row.config };
    for (const [key, value] of Object.entries(changes.config)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    patch.config = validateConfig(manifest, merged);
    checkConfigUrls(manifest, patch.config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
    const changed = changedDestinations(manifest, row.config, patch.config);
    checkCredentialDestinations(manifest, patch.config, deps.config, changed);
    const stored = row.credentials ? vault.decrypt<ConnectionSecrets>(row.credentials, row.id) : undefined;
    const sharedWithVariants = changed.length > 0 && row.variantGroupId !== null && (await listVariantGroup(db, workspaceId, row.variantGroupId)).length > 1;
    const move = credentialsForMove({ manifest, changed, secrets: stored, suppliedFields: changes.fields, sharedWithVariants });
    if (move === 'reauthorize' && stored) {
      // The grant was for the old server: dropped, and the connection waits for a new authorization.
      const kept = withoutOAuth(stored);
      remaining = kept;
      const empty = Object.keys(kept.fields).length === 0;
      patch.credentials = empty ? null : vault.encrypt(kept, row.id);
      patch.credentialsKeyId = empty ? null : vault.activeKeyId;
      patch.status = 'pending_auth';
      patch.nextSyncAt = null;
    }
  }
  if (changes.fields !== undefined) {
    const previous = remaining ?? (row.credentials ? vault.decrypt<ConnectionSecrets>(row.credentials, row.id) : { fields: {} });
    const fields = validateFields(manifest, { ...previous.fields, ...changes.fields });
    newSecrets = { ...previous, fields };
    // A token pasted with the move is usable at once, with nothing to authorize.
    if (remaining && hasPastedSecret(manifest, fields)) patch.status = 'connected';
    patch.credentials = vault.encrypt(newSecrets, row.id);
    patch.credentialsKeyId = vault.activeKeyId;
    // Reconnecting says `connected` only once the provider accepted the new credentials (as an install does).
    const reconnecting = patch.status === 'connected' || (patch.status === undefined && (row.status === 'disconnected' || row.status === 'error' || row.status === 'pending'));
    if (reconnecting) {
      const verdict = await verifyBeforeSaving(deps, { id: row.id, manifest, config: patch.config ?? row.config, secrets: newSecrets, verify: changes.verify !== false });
      patch.status = verdict.status;
      Object.assign(patch, verdict.check);
    }
    // A reconnected connection picks its schedule up again (disconnect paused it).
    if (row.nextSyncAt === null && patch.schedule === undefined) patch.nextSyncAt = nextRunAt(row.schedule as Schedule | null, new Date());
  }
  const updated = await withCredentialLock(db, row, async (tx) => {
    const saved = await updateConnection(tx, workspaceId, row.id, patch);
    if (saved && newSecrets) await shareCredentials(tx, vault, saved, newSecrets);
    return saved;
  });
  if (!updated) throw new AppError('connection_not_found', `No connection "${row.id}".`);
  return updated;
}
