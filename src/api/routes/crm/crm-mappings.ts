import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import { EntityCountsSchema, MappingsResponseSchema, PutMappingsBodySchema, PutMappingsResponseSchema } from '../../../contracts/api/crm.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { getCrmMappings } from '../../../services/crm/get-crm-mappings.js';
import { replaceCrmMappings } from '../../../services/crm/replace-crm-mappings.js';
import { getEntityCounts } from '../../../services/records/get-entity-counts.js';
import { entityCountsView, mappingsView, replacedMappingsView } from './crm-route-views.js';

/**
 * A connection's CRM field mappings (its connector's defaults until edited) and what it contributes:
 * `GET/PUT /connections/:id/mappings`, `GET /connections/:id/entity-counts`.
 */
export async function crmMappingRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

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
    async (request) => mappingsView(await getCrmMappings(deps, { workspaceId: authOf(request).workspaceId, products: authOf(request).products, connectionId: request.params.id })),
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
      const replaced = await replaceCrmMappings(deps, { workspaceId: auth.workspaceId, products: auth.products, dataSchema: auth.dataSchema, connectionId: request.params.id, mappings: request.body.mappings });
      return replacedMappingsView(replaced);
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
      return entityCountsView(await getEntityCounts(deps, { workspaceId: auth.workspaceId, products: auth.products, dataSchema: auth.dataSchema, connectionId: request.params.id }));
    },
  );
}
