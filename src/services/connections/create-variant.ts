import type { CreateVariantBody, Schedule } from '../../contracts/api/connections.js';
import { AppError } from '../../contracts/errors.js';
import { validateConfig } from '../../core/connection-input.js';
import { newId } from '../../core/ids.js';
import { nextRunAt } from '../../core/schedule.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { insertConnection, listVariantGroup, updateConnection, type ConnectionRow } from '../../db/queries/connections.js';
import { checkConfigUrls } from '../credentials/conn-string-guard.js';
import { changedDestinations, checkCredentialDestinations, credentialsForMove } from '../credentials/connection-destinations.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { logTributaryActivity } from '../crm/tributary-activity.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import { mintWebhookToken } from './webhook-url.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * A variant: the same account pointed elsewhere (another region, another year's books, another set of
 * repositories). It shares its base's credentials — changes to them reach every member of the group — and,
 * unless its config says `createOwnTables: true`, its tables too. The label is auto-assigned ("2", "3", …) when
 * absent and unique within the group; the creation is audit-logged with the caller's key.
 */
export async function createVariant(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'config' | 'providerTraffic'>,
  input: { workspaceId: string; products: ProductScope; actorKeyId: string; sourceId: string; variant: CreateVariantBody },
): Promise<ConnectionRow> {
  const { db, vault } = deps;
  const { workspaceId, variant } = input;
  const source = await loadConnection(db, workspaceId, input.sourceId, input.products);
  const { manifest } = deps.catalog.get(source.connectorId);
  const config = validateConfig(manifest, { ...source.config, ...variant.config });
  checkConfigUrls(manifest, config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
  // A variant shares its base's credentials, so it may not send them anywhere its base does not.
  const changed = changedDestinations(manifest, source.config, config);
  checkCredentialDestinations(manifest, config, deps.config, changed);
  if (source.credentials) credentialsForMove({ manifest, changed, secrets: { fields: {} }, suppliedFields: undefined, sharedWithVariants: true });
  const id = newId('conn');
  return db.transaction(async (tx) => {
    // The group is the base's id; a variant of a variant joins the same group.
    const groupId = source.variantGroupId ?? source.id;
    const members = source.variantGroupId ? await listVariantGroup(tx, workspaceId, groupId) : [source];
    const labels = new Set(members.map((m) => m.variantLabel?.toLowerCase()).filter((l): l is string => Boolean(l)));
    if (!source.variantGroupId) {
      await updateConnection(tx, workspaceId, source.id, { variantGroupId: groupId, variantLabel: source.variantLabel ?? '1' });
      labels.add((source.variantLabel ?? '1').toLowerCase());
    }
    let label = variant.variant_label;
    if (label && labels.has(label.toLowerCase())) throw new AppError('conflict', `The variant group already has a variant labelled "${label}".`, { field: 'variant_label' });
    if (!label) {
      let n = members.length + 1;
      while (labels.has(String(n))) n++;
      label = String(n);
    }
    const secrets = source.credentials ? vault.decrypt<ConnectionSecrets>(source.credentials, source.id) : null;
    const schedule = variant.schedule === undefined ? (source.schedule as Schedule | null) : variant.schedule;
    const row = await insertConnection(tx, {
      id,
      workspaceId,
      connectorId: source.connectorId,
      // Names carry the label the way the reference shows ("CRM Platform (EU)"); the base name without one.
      name: variant.name ?? `${source.name.replace(/\s*\([^)]*\)\s*$/, '')} (${label})`,
      status: secrets ? (source.status === 'pending_auth' || source.status === 'pending' ? source.status : 'connected') : source.status,
      config,
      credentials: secrets ? vault.encrypt(secrets, id) : null,
      credentialsKeyId: secrets ? vault.activeKeyId : null,
      product: source.product,
      companyId: source.companyId,
      crewId: source.crewId,
      notifyUserIds: source.notifyUserIds,
      schedule,
      nextSyncAt: nextRunAt(schedule, new Date()),
      ...mintWebhookToken(vault, id).columns,
      variantGroupId: groupId,
      variantLabel: label,
    });
    await insertAuditLog(tx, {
      workspaceId,
      actorKeyId: input.actorKeyId,
      action: 'connection.variant_created',
      targetType: 'connection',
      targetId: id,
      data: { base: source.id, variant_group_id: groupId, variant_label: label, own_tables: config['createOwnTables'] === true },
    });
    await logTributaryActivity(tx, row, 'connection_created', {
      title: `Connection created: ${row.name}`,
      description: `A variant (${label}) of ${source.name}.`,
      metadata: { variant_of: source.id, variant_label: label },
    });
    return row;
  });
}
