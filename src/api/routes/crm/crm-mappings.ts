import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { EntityCountsSchema, MappingsResponseSchema, PutMappingsBodySchema, PutMappingsResponseSchema } from '../../../contracts/api/crm.js';
import { AppError } from '../../../contracts/errors.js';
import { entityCountsOfConnection, putConnectionMappings } from '../../../db/queries/crm-sources.js';
import type { ConnectionRow } from '../../../db/queries/connections.js';
import { countRecords } from '../../../db/queries/records/record-counts.js';
import { connectionTableName } from '../../../db/queries/records/record-tables.js';
import { effectiveMappings, reprojectConnection } from '../../../services/crm/crm-projection.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { loadConnection } from '../../../services/connections/load-connection.js';

/**
 * A connection's CRM field mappings (its connector's defaults until edited) and what it contributes:
 * `GET/PUT /connections/:id/mappings`, `GET /connections/:id/entity-counts`.
 */
export async function crmMappingRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db, catalog } = deps;

  const view = async (connection: ConnectionRow) => {
    const { mappings, customized } = await effectiveMappings(db, catalog, connection);
    return { connection_id: connection.id, connector: connection.connectorId, customized, mappings, defaults: catalog.get(connection.connectorId).crm };
  };

  app.get(
    '/connections/:id/mappings',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['crm'],
        summary: "The connection's field mappings from its streams to CRM entities: its own when edited, else its connector's defaults",
        params: IdParamsSchema,
        response: { 200: MappingsResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => view(await loadConnection(db, authOf(request).workspaceId, request.params.id)),
  );

  app.put(
    '/connections/:id/mappings',
    {
      preHandler: requireRole('manager'),
      schema: {
        tags: ['crm'],
        summary: 'Replace the connection\'s field mappings (null: back to the defaults) and re-project its synced records from scratch',
        description:
          'A mapping: { name, stream, entity, each?, when?, fields: { <canonical field>: <source> } }. A source is a dot path ("customer.email", "emails.0.value", "$.id" for the record inside each), { path, transform?, when? }, { const }, or a list of them (the first non-empty wins). Transforms: lower, upper, trim, email, email_name, email_domain, domain, domain_label, first_name, last_name, cents_to_amount, unix_to_timestamp, ms_to_timestamp, timestamp, string, number. Entities keep their ids across re-projection.',
        params: IdParamsSchema,
        body: PutMappingsBodySchema,
        response: { 200: PutMappingsResponseSchema, 400: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(connection.connectorId);
      const mappings = request.body.mappings;
      mappings?.forEach((m, i) => {
        if (!manifest.streams.some((s) => s.name === m.stream)) {
          throw new AppError('validation_failed', `mappings.${i}.stream: ${manifest.name} has no stream "${m.stream}" (streams: ${manifest.streams.map((s) => s.name).join(', ')}).`, {
            field: `mappings.${i}.stream`,
          });
        }
      });
      await putConnectionMappings(db, auth.workspaceId, connection.id, mappings);
      const stats = await reprojectConnection(db, catalog, { connection, dataSchema: auth.dataSchema });
      return {
        ...(await view(connection)),
        projection: { records: stats.records, entities: stats.entities, removed_sources: stats.removedSources, deleted_entities: stats.deletedEntities },
      };
    },
  );

  app.get(
    '/connections/:id/entity-counts',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['crm'],
        summary: 'Rows per stream (live and deleted) and live CRM entities per type that records of this connection support',
        params: IdParamsSchema,
        response: { 200: EntityCountsSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const connection = await loadConnection(db, auth.workspaceId, request.params.id);
      const { manifest } = catalog.get(connection.connectorId);
      const streams = [];
      for (const stream of manifest.streams) {
        const counts = await countRecords(db, { schema: auth.dataSchema, table: connectionTableName(connection, stream.name) }, connection.id);
        streams.push({ stream: stream.name, ...counts });
      }
      return {
        connection_id: connection.id,
        connector: connection.connectorId,
        streams,
        entities: await entityCountsOfConnection(db, connection.id),
        total_records: streams.reduce((n, s) => n + s.live, 0),
      };
    },
  );
}
