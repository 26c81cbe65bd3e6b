import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { RunSchema } from '../../../contracts/api/connections.js';
import { RunListSchema, RunLogListSchema, RunLogsQuerySchema, StartRunBodySchema, StartRunResponseSchema } from '../../../contracts/api/runs.js';
import { AppError } from '../../../contracts/errors.js';
import { PaginationQuerySchema, pagination } from '../../../contracts/pagination.js';
import { closeRunStreams, getRun, listRunLogs, listRunStreams, listRuns, transitionRun, updateRun } from '../../../db/queries/runs.js';
import { requestRun } from '../../../services/runs/request-run.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';
import { runView } from '../../views.js';

export async function runRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  const loadRun = async (workspaceId: string, id: string) => {
    const run = await getRun(db, workspaceId, id);
    if (!run) throw new AppError('run_not_found', `No run "${id}".`);
    return run;
  };

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
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(connection.connectorId);
      if (connection.status === 'disabled') throw new AppError('connection_not_ready', 'The connection is disabled; PATCH its status to "connected" first.');
      if (connection.status === 'pending_auth') throw new AppError('connection_not_ready', 'The connection is waiting for its OAuth authorization to complete.');
      if (!connection.credentials && manifest.auth_mode !== 'none') {
        throw new AppError('connection_not_ready', `The connection is ${connection.status} and has no credentials; connect it first.`);
      }
      const known = manifest.streams.map((s) => s.name);
      const streams = request.body?.streams ?? known;
      for (const name of streams) {
        if (!known.includes(name)) throw new AppError('validation_failed', `streams: "${name}" is not a stream of ${manifest.id} (${known.join(', ')}).`, { field: 'streams' });
      }
      const { run, existing } = await requestRun(deps, {
        workspaceId: auth.workspaceId,
        connectionId: connection.id,
        trigger: 'api',
        mode: request.body?.full_refresh ? 'full_refresh' : 'incremental',
        streams: [...new Set(streams)],
      });
      const view = runView(run, await listRunStreams(db, [run.id]));
      const message = existing ? `Run ${run.id} is already ${run.status.toLowerCase()} for this connection; returning it.` : `Run ${run.id} queued.`;
      return reply.status(202).send({ run: view, existing, message });
    },
  );

  app.get(
    '/connections/:id/runs',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: 'Run history, newest first', params: IdParamsSchema, querystring: PaginationQuerySchema, response: { 200: RunListSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const auth = authOf(request);
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const { limit, offset } = request.query;
      const { rows, total } = await listRuns(db, auth.workspaceId, connection.id, { limit, offset });
      const streams = await listRunStreams(db, rows.map((r) => r.id));
      return { data: rows.map((r) => runView(r, streams)), pagination: pagination(limit, offset, total) };
    },
  );

  app.get(
    '/runs/:id',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: 'One run with per-stream counts', params: IdParamsSchema, response: { 200: RunSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const run = await loadRun(authOf(request).workspaceId, request.params.id);
      return runView(run, await listRunStreams(db, [run.id]));
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
      const auth = authOf(request);
      const run = await loadRun(auth.workspaceId, request.params.id);
      if (run.status !== 'PENDING' && run.status !== 'RUNNING') throw new AppError('run_not_cancellable', `Run ${run.id} is already ${run.status}.`);
      const cancelled = await transitionRun(db, run.id, ['PENDING'], { status: 'CANCELLED', cancelRequestedAt: new Date(), completedAt: new Date() });
      if (cancelled) await closeRunStreams(db, run.id, run.streams, 'CANCELLED', 'CANCELLED');
      const latest = cancelled ?? (await updateRun(db, run.id, { cancelRequestedAt: new Date() })) ?? run;
      return runView(latest, await listRunStreams(db, [run.id]));
    },
  );

  app.get(
    '/runs/:id/logs',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['runs'], summary: "A run's log lines, oldest first", params: IdParamsSchema, querystring: RunLogsQuerySchema, response: { 200: RunLogListSchema, 404: ErrorResponseSchema } },
    },
    async (request) => {
      const run = await loadRun(authOf(request).workspaceId, request.params.id);
      const rows = await listRunLogs(db, run.id, { limit: request.query.limit, afterId: request.query.after_id });
      return {
        data: rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), level: r.level, message: r.message, data: r.data ?? null })),
        next_after_id: rows.length === request.query.limit ? rows[rows.length - 1]!.id : null,
      };
    },
  );
}
