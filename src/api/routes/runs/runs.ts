import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { RunSchema } from '../../../contracts/api/connections.js';
import { RunListSchema, RunLogListSchema, RunLogsQuerySchema, StartRunBodySchema, StartRunResponseSchema } from '../../../contracts/api/runs.js';
import { PaginationQuerySchema, pagination } from '../../../contracts/pagination.js';
import { cancelRun } from '../../../services/runs/cancel-run.js';
import { getRunWithStreams } from '../../../services/runs/get-run-with-streams.js';
import { listConnectionRuns } from '../../../services/runs/list-connection-runs.js';
import { readRunLogs } from '../../../services/runs/read-run-logs.js';
import { startConnectionRun } from '../../../services/runs/start-connection-run.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { runView } from '../../views.js';

export async function runRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/connections/:id/runs',
    {
      preHandler: requireRole('member'),
      schema: {
        tags: ['runs'],
        summary: 'Start a sync run (202); returns the active run instead if one is pending or running',
        params: IdParamsSchema,
        body: StartRunBodySchema,
        response: { 202: StartRunResponseSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { run, streams, existing } = await startConnectionRun(deps, {
        workspaceId: auth.workspaceId,
        products: auth.products,
        connectionId: request.params.id,
        streams: request.body?.streams,
        fullRefresh: request.body?.full_refresh,
      });
      const message = existing ? `Run ${run.id} is already ${run.status.toLowerCase()} for this connection; returning it.` : `Run ${run.id} queued.`;
      return reply.status(202).send({ run: runView(run, streams), existing, message });
    },
  );

  app.get(
    '/connections/:id/runs',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: 'Run history, newest first', params: IdParamsSchema, querystring: PaginationQuerySchema, response: { 200: RunListSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { runs, streams, total } = await listConnectionRuns(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id, limit, offset });
      return { data: runs.map((r) => runView(r, streams)), pagination: pagination(limit, offset, total) };
    },
  );

  app.get(
    '/runs/:id',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: 'One run with per-stream counts', params: IdParamsSchema, response: { 200: RunSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const { run, streams } = await getRunWithStreams(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, runId: request.params.id });
      return runView(run, streams);
    },
  );

  app.post(
    '/runs/:id/cancel',
    {
      preHandler: requireRole('member'),
      schema: {
        tags: ['runs'],
        summary: 'Stop a run: a pending run is cancelled at once, a running one within a page; committed work is kept',
        params: IdParamsSchema,
        response: { 200: RunSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
      },
    },
    async (request) => {
      const { run, streams } = await cancelRun(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, runId: request.params.id });
      return runView(run, streams);
    },
  );

  app.get(
    '/runs/:id/logs',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: "A run's log lines, oldest first", params: IdParamsSchema, querystring: RunLogsQuerySchema, response: { 200: RunLogListSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const { lines, nextAfterId } = await readRunLogs(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, runId: request.params.id, limit: request.query.limit, afterId: request.query.after_id });
      return {
        data: lines.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), level: r.level, message: r.message, data: r.data ?? null })),
        next_after_id: nextAfterId,
      };
    },
  );
}
