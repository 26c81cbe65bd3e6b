import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { SchemaChangeListSchema, TableSchemaSchema } from '../../../contracts/api/table-schema.js';
import { pagination, PaginationQuerySchema } from '../../../contracts/pagination.js';
import { connectionTableName, tableExists, type RecordTable } from '../../../db/queries/records/record-tables.js';
import { listShapeChanges, loadTableShape } from '../../../db/queries/table-shapes.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole, type AuthContext } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';
import { systemColumnTypes } from '../../../core/typed-columns/column-names.js';


const params = z.object({ id: z.string(), stream: z.string() });

/** A stream's typed table: its columns now, and every change of its shape. */
export async function tableSchemaRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  /** The table the connection's stream lands in (shared with other connections of the connector, or its own). */
  const tableOf = async (auth: AuthContext, id: string, stream: string): Promise<{ table: RecordTable }> => {
    const connection = await loadConnection(db, auth.workspaceId, id);
    catalog.stream(connection.connectorId, stream);
    return { table: { schema: auth.dataSchema, table: connectionTableName(connection, stream) } };
  };

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
      const { table } = await tableOf(authOf(request), request.params.id, request.params.stream);
      const exists = await tableExists(db, table);
      const { shape } = exists ? await loadTableShape(db, table) : { shape: null };
      return {
        schema: table.schema,
        table: table.table,
        exists,
        system_columns: [...systemColumnTypes],
        columns: (shape?.columns ?? []).map((c) => ({ name: c.name, path: c.path, type: c.type, source: c.declared ? ('schema' as const) : ('data' as const) })),
      };
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
      const { table } = await tableOf(authOf(request), request.params.id, request.params.stream);
      const { limit, offset } = request.query;
      const { rows, total } = (await tableExists(db, table)) ? await listShapeChanges(db, table, { limit, offset }) : { rows: [], total: 0 };
      return { data: rows.map((r) => ({ ...r, at: r.at.toISOString() })), pagination: pagination(limit, offset, total) };
    },
  );
}
