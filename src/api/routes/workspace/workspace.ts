import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConnectionSchema } from '../../../contracts/api/connections.js';
import { getWorkspaceStatus } from '../../../services/runs/get-workspace-status.js';
import { runAllConnections } from '../../../services/runs/run-all-connections.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { connectionView, runView } from '../../views.js';

const StatusItemSchema = ConnectionSchema.pick({ id: true, connector: true, name: true, status: true, last_sync_at: true, last_sync_status: true, last_sync_error: true, product: true, company_id: true }).extend({
  healthy: z.boolean(),
  latest_counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number(), failed: z.number() }).nullable(),
});

export async function workspaceRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

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
      const { runIds, skipped } = await runAllConnections(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products });
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
      const { connections, healthy, unhealthy } = await getWorkspaceStatus(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products });
      const data = connections.map((item) => {
        const view = connectionView(item.connection);
        return {
          id: view.id,
          connector: view.connector,
          name: view.name,
          status: view.status,
          last_sync_at: view.last_sync_at,
          last_sync_status: view.last_sync_status,
          last_sync_error: view.last_sync_error,
          product: view.product,
          company_id: view.company_id,
          healthy: item.healthy,
          latest_counts: item.lastRun ? runView(item.lastRun.run, item.lastRun.streams).totals : null,
        };
      });
      return { healthy, unhealthy, data };
    },
  );
}
