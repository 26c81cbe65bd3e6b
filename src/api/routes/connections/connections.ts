import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamsSchema, ErrorResponseSchema } from '../../../contracts/api/common.js';
import {
  ConnectionDetailSchema,
  ConnectionListSchema,
  ConnectionSchema,
  CreateConnectionBodySchema,
  CreateConnectionResponseSchema,
  ListConnectionsQuerySchema,
  UpdateConnectionBodySchema,
  type Schedule,
} from '../../../contracts/api/connections.js';
import { AppError } from '../../../contracts/errors.js';
import { pagination } from '../../../contracts/pagination.js';
import { hasPastedSecret, validateConfig, validateFields } from '../../../core/connection-input.js';
import { hashToken } from '../../../core/api-key-hash.js';
import { newId, newSecretToken } from '../../../core/ids.js';
import { nextRunAt } from '../../../core/schedule.js';
import type { ConnectionSecrets } from '../../../services/credentials/connection-http.js';
import { shareCredentials, withCredentialLock } from '../../../services/credentials/variant-credentials.js';
import { deleteConnection, insertConnection, listConnections, listVariantGroup, updateConnection, type ConnectionPatch } from '../../../db/queries/connections.js';
import { changedDestinations, checkCredentialDestinations, credentialsForMove, withoutOAuth } from '../../../services/credentials/connection-destinations.js';
import { getActiveRun, listRunStreams, listRuns } from '../../../db/queries/runs.js';
import type { AppDeps } from '../../app-deps.js';
import { checkConfigUrls } from '../../../services/credentials/conn-string-guard.js';
import { authOf, requireRole } from '../../auth.js';
import { checkCompanyId } from '../../../services/crm/check-company-id.js';
import { loadConnection } from '../../../services/connections/load-connection.js';
import { logTributaryActivity } from '../../../services/crm/tributary-activity.js';
import { installOAuth } from './install-oauth.js';
import { verifyBeforeSaving } from '../../../services/connections/verify-before-saving.js';
import { connectionView, runView } from '../../views.js';

export async function connectionRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog, vault } = deps;

  app.post(
    '/connections',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['connections'],
        summary: 'Install a connector in the workspace: credentials are probed first (422 credentials_rejected, 502 provider_unavailable, nothing saved); verify: false saves them pending',
        body: CreateConnectionBodySchema,
        response: { 201: CreateConnectionResponseSchema, 400: ErrorResponseSchema, 422: ErrorResponseSchema, 501: ErrorResponseSchema, 502: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const body = request.body;
      if (!catalog.has(body.connector)) {
        throw new AppError('validation_failed', `connector: no connector "${body.connector}" in the catalog.`, { field: 'connector' });
      }
      const { manifest } = catalog.get(body.connector);
      if (body.crew_id) throw new AppError('not_implemented', 'Crew-scoped installs are not available yet.');
      if ((manifest.auth_mode === 'oauth2' && !hasPastedSecret(manifest, body.fields)) || manifest.auth_mode === 'mcp_oauth') {
        return reply.status(201).send(await installOAuth(deps, manifest, auth.workspaceId, body));
      }
      const fields = manifest.auth_mode === 'none' ? {} : validateFields(manifest, body.fields);
      const config = validateConfig(manifest, body.config);
      checkConfigUrls(manifest, config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
      await checkCompanyId(db, auth.workspaceId, body.company_id);
      checkCredentialDestinations(manifest, config, deps.config);
      const id = newId('conn');
      const secrets: ConnectionSecrets = { fields };
      const verified = await verifyBeforeSaving(deps, { id, manifest, config, secrets, verify: body.verify !== false });
      const webhookToken = newSecretToken('whk');
      const row = await insertConnection(db, {
        id,
        workspaceId: auth.workspaceId,
        connectorId: manifest.id,
        name: body.name ?? manifest.name,
        status: verified.status,
        config,
        credentials: manifest.auth_mode === 'none' ? null : vault.encrypt(secrets, id),
        credentialsKeyId: manifest.auth_mode === 'none' ? null : vault.activeKeyId,
        product: body.product ?? null,
        companyId: body.company_id ?? null,
        notifyUserIds: body.notify_user_ids,
        schedule: body.schedule ?? null,
        nextSyncAt: nextRunAt(body.schedule, new Date()),
        webhookTokenHash: hashToken(webhookToken),
        webhookToken: vault.encrypt(webhookToken, `${id}:webhook`),
        ...verified.check,
      });
      await logTributaryActivity(db, row, 'connection_created', { title: `Connection created: ${row.name}`, description: `${manifest.name} installed.` });
      return reply.status(201).send({ id: row.id, status: verified.status, next_step: '' as const, ...(verified.message ? { message: verified.message } : {}), connection: connectionView(row) });
    },
  );

  app.get(
    '/connections',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['connections'], summary: 'List connections: the workspace\'s own by default (no company_id, no product); product=, company_id= or include_all=1 for the others', querystring: ListConnectionsQuerySchema, response: { 200: ConnectionListSchema } },
    },
    async (request) => {
      const q = request.query;
      const { rows, total } = await listConnections(
        db,
        authOf(request).workspaceId,
        { connectorId: q.connector, status: q.status, product: q.product, companyId: q.company_id, crewId: q.crew_id, includeAll: q.include_all },
        { limit: q.limit, offset: q.offset },
      );
      return { data: rows.map(connectionView), pagination: pagination(q.limit, q.offset, total) };
    },
  );

  app.get(
    '/connections/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['connections'],
        summary: 'One connection with its latest and recent runs (never its credentials)',
        params: IdParamsSchema,
        response: { 200: ConnectionDetailSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const row = await loadConnection(db, auth.workspaceId, request.params.id);
      const { rows: runs } = await listRuns(db, auth.workspaceId, row.id, { limit: 10, offset: 0 });
      const streams = await listRunStreams(db, runs.map((r) => r.id));
      const views = runs.map((r) => runView(r, streams));
      return { ...connectionView(row), latest_run: views[0] ?? null, recent_runs: views };
    },
  );

  app.patch(
    '/connections/:id',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['connections'],
        summary: 'Update name, credentials, config (merged; null removes a key), status, tags',
        params: IdParamsSchema,
        body: UpdateConnectionBodySchema,
        response: { 200: ConnectionSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const row = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(row.connectorId);
      const body = request.body;
      const patch: ConnectionPatch = {};
      // New credentials, shared with the connection's variants once saved.
      let newSecrets: ConnectionSecrets | undefined;
      // Set when a destination change dropped an OAuth grant: new fields build on what is left.
      let remaining: ConnectionSecrets | undefined;
      if (body.name !== undefined) patch.name = body.name;
      if (body.product !== undefined) patch.product = body.product;
      if (body.company_id !== undefined) {
        // A company attached earlier and since deleted does not block other changes sent with the same value.
        if (body.company_id !== row.companyId) await checkCompanyId(db, auth.workspaceId, body.company_id);
        patch.companyId = body.company_id;
      }
      if (body.notify_user_ids !== undefined) patch.notifyUserIds = body.notify_user_ids;
      if (body.status !== undefined) {
        if (row.status === 'pending' && body.status === 'connected') {
          throw new AppError('connection_not_ready', 'The connection is pending: its credentials are unverified. POST /api/v1/connections/:id/check (or run a sync) to make it connected.');
        }
        patch.status = body.status;
      }
      if (body.schedule !== undefined) {
        patch.schedule = body.schedule;
        patch.nextSyncAt = nextRunAt(body.schedule, new Date());
      }
      if (body.config !== undefined) {
        const merged: Record<string, unknown> = { ...row.config };
        for (const [key, value] of Object.entries(body.config)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        patch.config = validateConfig(manifest, merged);
        checkConfigUrls(manifest, patch.config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
        const changed = changedDestinations(manifest, row.config, patch.config);
        checkCredentialDestinations(manifest, patch.config, deps.config, changed);
        const stored = row.credentials ? vault.decrypt<ConnectionSecrets>(row.credentials, row.id) : undefined;
        const sharedWithVariants = changed.length > 0 && row.variantGroupId !== null && (await listVariantGroup(db, auth.workspaceId, row.variantGroupId)).length > 1;
        const move = credentialsForMove({ manifest, changed, secrets: stored, suppliedFields: body.fields, sharedWithVariants });
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
      if (body.fields !== undefined) {
        const previous = remaining ?? (row.credentials ? vault.decrypt<ConnectionSecrets>(row.credentials, row.id) : { fields: {} });
        const fields = validateFields(manifest, { ...previous.fields, ...body.fields });
        newSecrets = { ...previous, fields };
        // A token pasted with the move is usable at once, with nothing to authorize.
        if (remaining && hasPastedSecret(manifest, fields)) patch.status = 'connected';
        patch.credentials = vault.encrypt(newSecrets, row.id);
        patch.credentialsKeyId = vault.activeKeyId;
        // Reconnecting says `connected` only once the provider accepted the new credentials (as an install does).
        const reconnecting = patch.status === 'connected' || (patch.status === undefined && (row.status === 'disconnected' || row.status === 'error' || row.status === 'pending'));
        if (reconnecting) {
          const verdict = await verifyBeforeSaving(deps, { id: row.id, manifest, config: patch.config ?? row.config, secrets: newSecrets, verify: body.verify !== false });
          patch.status = verdict.status;
          Object.assign(patch, verdict.check);
        }
        // A reconnected connection picks its schedule up again (disconnect paused it).
        if (row.nextSyncAt === null && patch.schedule === undefined) patch.nextSyncAt = nextRunAt(row.schedule as Schedule | null, new Date());
      }
      const updated = await withCredentialLock(db, row, async (tx) => {
        const saved = await updateConnection(tx, auth.workspaceId, row.id, patch);
        if (saved && newSecrets) await shareCredentials(tx, vault, saved, newSecrets);
        return saved;
      });
      if (!updated) throw new AppError('connection_not_found', `No connection "${row.id}".`);
      return connectionView(updated);
    },
  );

  app.delete(
    '/connections/:id',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['connections'],
        summary: 'Delete a connection, its runs and cursors (synced rows stay in their tables)',
        params: IdParamsSchema,
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const row = await loadConnection(db, auth.workspaceId, request.params.id);
      const active = await getActiveRun(db, row.id);
      if (active) throw new AppError('conflict', `Run ${active.id} is ${active.status}; cancel it (POST /api/v1/runs/${active.id}/cancel) before deleting.`);
      await deleteConnection(db, auth.workspaceId, row.id);
      await logTributaryActivity(db, row, 'connection_deleted', { title: `Connection deleted: ${row.name}` });
      return { id: row.id, deleted: true as const };
    },
  );
}
