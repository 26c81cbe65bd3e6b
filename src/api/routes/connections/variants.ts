import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { ConnectionSchema, CreateVariantBodySchema, type Schedule } from '../../../contracts/api/connections.js';
import { AppError } from '../../../contracts/errors.js';
import { hashToken } from '../../../core/api-key-hash.js';
import { validateConfig } from '../../../core/connection-input.js';
import { newId, newSecretToken } from '../../../core/ids.js';
import { nextRunAt } from '../../../core/schedule.js';
import { insertAuditLog } from '../../../db/queries/audit-log.js';
import { insertConnection, listVariantGroup, updateConnection } from '../../../db/queries/connections.js';
import type { ConnectionSecrets } from '../../../services/credentials/connection-secrets.js';
import { logTributaryActivity } from '../../../services/crm/tributary-activity.js';
import type { AppDeps } from '../../app-deps.js';
import { checkConfigUrls } from '../../../services/credentials/conn-string-guard.js';
import { changedDestinations, checkCredentialDestinations, credentialsForMove } from '../../../services/credentials/connection-destinations.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';
import { connectionView } from '../../views.js';

/**
 * POST /connections/:id/variants: the same account pointed elsewhere (another region, another year's books,
 * another set of repositories). A variant shares its base's credentials — changes to them reach every member of
 * the group — and, unless its config says `createOwnTables: true`, its tables too.
 */
export async function variantRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, vault, catalog } = deps;

  app.post(
    '/connections/:id/variants',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['connections'],
        summary: "Create a variant: a connection sharing this one's credentials, linked by a variant group; label auto-assigned when absent",
        params: IdParamsSchema,
        body: CreateVariantBodySchema,
        response: { 201: ConnectionSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const body = request.body;
      const source = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(source.connectorId);
      const config = validateConfig(manifest, { ...source.config, ...body.config });
      checkConfigUrls(manifest, config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
      // A variant shares its base's credentials, so it may not send them anywhere its base does not.
      const changed = changedDestinations(manifest, source.config, config);
      checkCredentialDestinations(manifest, config, deps.config, changed);
      if (source.credentials) credentialsForMove({ manifest, changed, secrets: { fields: {} }, suppliedFields: undefined, sharedWithVariants: true });
      const id = newId('conn');
      const webhookToken = newSecretToken('whk');
      const created = await db.transaction(async (tx) => {
        // The group is the base's id; a variant of a variant joins the same group.
        const groupId = source.variantGroupId ?? source.id;
        const members = source.variantGroupId ? await listVariantGroup(tx, auth.workspaceId, groupId) : [source];
        const labels = new Set(members.map((m) => m.variantLabel?.toLowerCase()).filter((l): l is string => Boolean(l)));
        if (!source.variantGroupId) {
          await updateConnection(tx, auth.workspaceId, source.id, { variantGroupId: groupId, variantLabel: source.variantLabel ?? '1' });
          labels.add((source.variantLabel ?? '1').toLowerCase());
        }
        let label = body.variant_label;
        if (label && labels.has(label.toLowerCase())) throw new AppError('conflict', `The variant group already has a variant labelled "${label}".`, { field: 'variant_label' });
        if (!label) {
          let n = members.length + 1;
          while (labels.has(String(n))) n++;
          label = String(n);
        }
        const secrets = source.credentials ? vault.decrypt<ConnectionSecrets>(source.credentials, source.id) : null;
        const schedule = body.schedule === undefined ? (source.schedule as Schedule | null) : body.schedule;
        const row = await insertConnection(tx, {
          id,
          workspaceId: auth.workspaceId,
          connectorId: source.connectorId,
          // Names carry the label the way the reference shows ("CRM Platform (EU)"); the base name without one.
          name: body.name ?? `${source.name.replace(/\s*\([^)]*\)\s*$/, '')} (${label})`,
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
          webhookTokenHash: hashToken(webhookToken),
          webhookToken: vault.encrypt(webhookToken, `${id}:webhook`),
          variantGroupId: groupId,
          variantLabel: label,
        });
        await insertAuditLog(tx, {
          workspaceId: auth.workspaceId,
          actorKeyId: auth.keyId,
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
      return reply.status(201).send(connectionView(created));
    },
  );
}
