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
} from '../../../contracts/api/connections.js';
import { pagination } from '../../../contracts/pagination.js';
import { editConnection } from '../../../services/connections/edit-connection.js';
import { getConnectionDetail } from '../../../services/connections/get-connection-detail.js';
import { installConnection } from '../../../services/connections/install-connection.js';
import { listWorkspaceConnections } from '../../../services/connections/list-workspace-connections.js';
import { removeConnection } from '../../../services/connections/remove-connection.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { connectionDetailView, connectionView, installedConnectionView } from '../../views.js';

export async function connectionRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

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
      const installed = await installConnection(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, install: request.body });
      return reply.status(201).send(installedConnectionView(installed));
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
      const { rows, total } = await listWorkspaceConnections(deps, {
        workspaceId: authOf(request).workspaceId,
        products: authOf(request).products,
        filters: { connectorId: q.connector, status: q.status, product: q.product, companyId: q.company_id, crewId: q.crew_id, includeAll: q.include_all },
        page: { limit: q.limit, offset: q.offset },
      });
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
      const detail = await getConnectionDetail(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id });
      return connectionDetailView(detail);
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
      const updated = await editConnection(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id, changes: request.body });
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
      const removed = await removeConnection(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id });
      return { id: removed.id, deleted: true as const };
    },
  );
}
