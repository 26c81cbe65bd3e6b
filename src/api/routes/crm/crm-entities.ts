import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema, IdParamsSchema } from '../../../contracts/api/common.js';
import {
  crmCreateBodySchemas,
  crmDetailSchemas,
  crmEntitySchemas,
  crmListFilters,
  crmListQuerySchemas,
  crmListSchemas,
  crmUpdateBodySchemas,
} from '../../../contracts/api/crm.js';
import { crmEntities, crmEntityTypes } from '../../../contracts/crm.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { entityView } from '../../../services/crm/crm-views.js';
import { createCrmEntity } from '../../../services/crm/create-crm-entity.js';
import { deleteCrmEntity } from '../../../services/crm/delete-crm-entity.js';
import { crmEntityNoun } from '../../../services/crm/entity-write.js';
import { getCrmEntity } from '../../../services/crm/get-crm-entity.js';
import { listCrmEntities } from '../../../services/crm/list-crm-entities.js';
import { updateCrmEntity } from '../../../services/crm/update-crm-entity.js';
import { entityDetailView, entityListView } from './crm-route-views.js';

/**
 * The canonical CRM model over HTTP: `GET/POST /{companies,contacts,deals,engagements,invoices,activities}` and
 * `GET/PATCH/DELETE /…/:id`, for every entity alike. Fields written through the API are remembered as edited, so
 * later syncs do not overwrite them; a create whose domain (company) or email (contact) already exists in the
 * product is a 409 that names the existing entity, since merging is what syncs do.
 */
export async function crmEntityRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  for (const type of crmEntityTypes) {
    const one = crmEntityNoun[type];

    app.get(
      `/${type}`,
      {
        preHandler: requireRole('viewer'),
        schema: {
          tags: ['crm'],
          summary: `List ${type} (newest first), filtered by product${crmEntities[type].links.map((l) => `, ${l}_id`).join('')}${crmListFilters[type].map((f) => `, ${f}`).join('')}`,
          querystring: crmListQuerySchemas[type],
          response: { 200: crmListSchemas[type], 400: ErrorResponseSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const { rows, total } = await listCrmEntities(deps, {
          type,
          workspaceId: authOf(request).workspaceId,
          products: authOf(request).products,
          product: q['product'] as string | undefined,
          companyId: q['company_id'] as string | undefined,
          contactId: q['contact_id'] as string | undefined,
          equals: Object.fromEntries(crmListFilters[type].map((f) => [f, q[f] as string | undefined])),
          limit: q.limit,
          offset: q.offset,
        });
        return entityListView(type, { rows, total }, q.limit, q.offset);
      },
    );

    app.get(
      `/${type}/:id`,
      {
        preHandler: requireRole('viewer'),
        schema: {
          tags: ['crm'],
          summary: `One ${one} with its sources: the synced records it came from (the first 100; sources_total counts them all)`,
          params: IdParamsSchema,
          response: { 200: crmDetailSchemas[type], 404: ErrorResponseSchema },
        },
      },
      async (request) => {
        const { entity, sources } = await getCrmEntity(deps, { type, workspaceId: authOf(request).workspaceId, products: authOf(request).products, id: request.params.id });
        return entityDetailView(type, entity, sources);
      },
    );

    app.post(
      `/${type}`,
      {
        preHandler: requireRole('member'),
        schema: {
          tags: ['crm'],
          summary:
            type === 'activities'
              ? 'Log an activity: free-form activity_type (scan_completed, report_viewed…), title, description, source, metadata, and the company_id / contact_id it concerns'
              : `Create a ${one}`,
          body: crmCreateBodySchemas[type],
          response: { 201: crmEntitySchemas[type], 400: ErrorResponseSchema, 409: ErrorResponseSchema },
        },
      },
      async (request, reply) => {
        const row = await createCrmEntity(deps, { type, workspaceId: authOf(request).workspaceId, products: authOf(request).products, body: request.body });
        return reply.status(201).send(entityView(type, row));
      },
    );

    app.patch(
      `/${type}/:id`,
      {
        preHandler: requireRole('member'),
        schema: {
          tags: ['crm'],
          summary: `Update a ${one}; the fields given are kept over synced values from then on`,
          params: IdParamsSchema,
          body: crmUpdateBodySchemas[type],
          response: { 200: crmEntitySchemas[type], 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema },
        },
      },
      async (request) => {
        const row = await updateCrmEntity(deps, { type, workspaceId: authOf(request).workspaceId, products: authOf(request).products, id: request.params.id, body: request.body });
        return entityView(type, row);
      },
    );

    app.delete(
      `/${type}/:id`,
      {
        preHandler: requireRole('member'),
        schema: {
          tags: ['crm'],
          summary: `Delete a ${one} (soft: a synced record that changes later brings it back)`,
          params: IdParamsSchema,
          response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), 404: ErrorResponseSchema },
        },
      },
      async (request) => {
        await deleteCrmEntity(deps, { type, workspaceId: authOf(request).workspaceId, products: authOf(request).products, id: request.params.id });
        return { id: request.params.id, deleted: true as const };
      },
    );
  }
}
