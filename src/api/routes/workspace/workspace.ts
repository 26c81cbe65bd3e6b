import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConnectionSchema } from '../../../contracts/api/connections.js';
import { listConnections } from '../../../db/queries/connections.js';
import { listRunStreams } from '../../../db/queries/runs.js';
import { getRunById } from '../../../db/queries/runs.js';
import { requestRun } from '../../../services/runs/request-run.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { connectionView, runView } from '../../views.js';

const StatusItemSchema = ConnectionSchema.pick({ id: true, connector: true, name: true, status: true, last_sync_at: true, last_sync_status: true, last_sync_error: true, product: true, company_id: true }).extend({
  healthy: z.boolean(),
  latest_counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number(), failed: z.number() }).nullable(),
});

/** Every connection of the workspace, paged through internally (status and run-all act on all of them). */
async function allConnections(deps: AppDeps, workspaceId: string) {
  const out = [];
  for (let offset = 0; ; offset += 100) {
    const { rows } = await listConnections(deps.db, workspaceId, { includeAll: true }, { limit: 100, offset });
    out.push(...rows);
    if (rows.length < 100) return out;
  }
}

export async function workspaceRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  app.post(
    '/run-all',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['runs'],
        summary: 'Start a sync of every enabled connection; those with an active run are skipped',
        response: { 202: z.object({ run_ids: z.array(z.string()), count: z.number(), skipped: z.number(), message: z.string() }) },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const runIds: string[] = [];
      let skipped = 0;
      for (const connection of await allConnections(deps, auth.workspaceId)) {
        const { manifest } = catalog.get(connection.connectorId);
        // A pending connection's credentials are unproven: only a manual sync (a sync is a check) or a check runs it.
        if (connection.status === 'disabled' || connection.status === 'pending_auth' || connection.status === 'pending' || (!connection.credentials && manifest.auth_mode !== 'none')) continue;
        const { run, existing } = await requestRun(deps, {
          workspaceId: auth.workspaceId,
          connectionId: connection.id,
          trigger: 'run_all',
          mode: 'incremental',
          streams: manifest.streams.map((s) => s.name),
        });
        if (existing) skipped++;
        else runIds.push(run.id);
      }
      return reply.status(202).send({
        run_ids: runIds,
        count: runIds.length,
        skipped,
        message: `Enqueued ${runIds.length} sync(s)${skipped ? `, ${skipped} already in progress` : ''}`,
      });
    },
  );

  app.get(
    '/status',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['connections'],
        summary: 'Health of every connection in the workspace',
        response: { 200: z.object({ healthy: z.number(), unhealthy: z.number(), data: z.array(StatusItemSchema) }) },
      },
    },
    async (request) => {
      const rows = await allConnections(deps, authOf(request).workspaceId);
      const data = [];
      for (const row of rows) {
        const view = connectionView(row);
        const run = row.lastRunId ? await getRunById(db, row.lastRunId) : undefined;
        const counts = run ? runView(run, await listRunStreams(db, [run.id])).totals : null;
        data.push({
          id: view.id,
          connector: view.connector,
          name: view.name,
          status: view.status,
          last_sync_at: view.last_sync_at,
          last_sync_status: view.last_sync_status,
          last_sync_error: view.last_sync_error,
          product: view.product,
          company_id: view.company_id,
          healthy: row.status === 'connected' || row.status === 'syncing',
          latest_counts: counts,
        });
      }
      const healthy = data.filter((d) => d.healthy).length;
      return { healthy, unhealthy: data.length - healthy, data };
    },
  );
}
