import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { SchemaChangeListSchema, TableSchemaSchema } from '../../../contracts/api/table-schema.js';
import { PaginationQuerySchema } from '../../../contracts/pagination.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { getTableSchema } from '../../../services/records/get-table-schema.js';
import { listTableShapeChanges } from '../../../services/records/list-table-shape-changes.js';
import { shapeChangesView, tableSchemaView } from './data-views.js';

const params = z.object({ id: z.string(), stream: z.string() });

/** A stream's typed table: its columns now, and every change of its shape. */
export async function tableSchemaRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/connections/:id/streams/:stream/schema',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['records'],
        summary: "A stream's table: its typed columns with their types and payload paths, beside the system columns",
        description:
          'Typed columns come from the stream\'s JSON Schema and from the data, nested objects flattened into `parent__child` to the connection\'s `flatten_depth`. Query them with plain SQL on `schema`.`table`.',
        params,
        response: { 200: TableSchemaSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const { id, stream } = request.params;
      return tableSchemaView(await getTableSchema(deps, { workspaceId: auth.workspaceId, products: auth.products, dataSchema: auth.dataSchema, connectionId: id, stream }));
    },
  );

  app.get(
    '/connections/:id/streams/:stream/schema-changes',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['records'],
        summary: "Every change of a stream table's shape, oldest first: columns added and widened, values kept as variants",
        params,
        querystring: PaginationQuerySchema,
        response: { 200: SchemaChangeListSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const { id, stream } = request.params;
      const { limit, offset } = request.query;
      const page = await listTableShapeChanges(deps, { workspaceId: auth.workspaceId, products: auth.products, dataSchema: auth.dataSchema, connectionId: id, stream, limit, offset });
      return shapeChangesView(page, limit, offset);
    },
  );
}
