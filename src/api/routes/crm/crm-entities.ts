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
  type CrmBody,
} from '../../../contracts/api/crm.js';
import { crmEntities, crmEntityTypes, type CrmEntityType } from '../../../contracts/crm.js';
import { AppError } from '../../../contracts/errors.js';
import { pagination } from '../../../contracts/pagination.js';
import { emailCompanyDomain, normalizeDomain, normalizeEmail } from '../../../core/crm-normalize.js';
import { newId } from '../../../core/ids.js';
import type { Db } from '../../../db/db.js';
import {
  findByMergeKey,
  getEntity,
  insertEntity,
  listEntities,
  softDeleteEntity,
  updateEntity,
  type EntityRow,
  type EntityWrite,
} from '../../../db/queries/crm-entities.js';
import { backfillLinks, resolveLinks } from '../../../db/queries/crm-projection.js';
import { sourcesOfEntity } from '../../../db/queries/crm-sources.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';
import { entityView, sourceView } from '../../../services/crm/crm-views.js';

const singular: Record<CrmEntityType, string> = {
  companies: 'company',
  contacts: 'contact',
  deals: 'deal',
  engagements: 'engagement',
  invoices: 'invoice',
  activities: 'activity',
};

/**
 * The canonical CRM model over HTTP: `GET/POST /{companies,contacts,deals,engagements,invoices,activities}` and
 * `GET/PATCH/DELETE /…/:id`, for every entity alike. Fields written through the API are remembered as edited, so
 * later syncs do not overwrite them; a create whose domain (company) or email (contact) already exists in the
 * product is a 409 that names the existing entity, since merging is what syncs do.
 */
export async function crmEntityRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  for (const type of crmEntityTypes) {
    const one = singular[type];
    const notFound = (id: string) => new AppError('not_found', `No ${one} "${id}".`);

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
        const equals = Object.fromEntries(crmListFilters[type].map((f) => [f, q[f] as string | undefined]));
        if (equals['domain']) equals['domain'] = normalizeDomain(equals['domain']) ?? equals['domain'];
        if (equals['email']) equals['email'] = normalizeEmail(equals['email']) ?? equals['email'];
        const { rows, total } = await listEntities(
          db,
          type,
          authOf(request).workspaceId,
          { product: q['product'] as string | undefined, companyId: q['company_id'] as string | undefined, contactId: q['contact_id'] as string | undefined, equals },
          { limit: q.limit, offset: q.offset },
        );
        return { data: rows.map((r) => entityView(type, r)), pagination: pagination(q.limit, q.offset, total) };
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
        const row = await getEntity(db, type, authOf(request).workspaceId, request.params.id);
        if (!row) throw notFound(request.params.id);
        const sources = await sourcesOfEntity(db, type, row.id);
        return { ...entityView(type, row), sources: sources.rows.map(sourceView), sources_total: sources.total };
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
        const workspaceId = authOf(request).workspaceId;
        const row = await db.transaction(async (tx) => {
          const write = await prepareWrite(tx, type, workspaceId, request.body);
          const product = write.product ?? null;
          const key = mergeKeyOf(type, write);
          const holder = key ? await findByMergeKey(tx, type, workspaceId, product, key) : undefined;
          if (holder && holder.deleted_at === null) {
            throw new AppError('conflict', `${capitalised(one)} ${holder.id} already has ${crmEntities[type].mergeKey} "${key}"${product ? ` in product "${product}"` : ''}; update it instead.`);
          }
          // A deleted entity still holds its key: creating it again brings it back, with its sources and id.
          const saved = holder
            ? await updateEntity(tx, type, workspaceId, holder.id, write, { revive: true })
            : await insertEntity(tx, type, { id: newId(crmEntities[type].prefix), workspaceId, ...write });
          return afterWrite(tx, type, workspaceId, saved!);
        });
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
        const workspaceId = authOf(request).workspaceId;
        const row = await db.transaction(async (tx) => {
          const current = await getEntity(tx, type, workspaceId, request.params.id);
          if (!current) throw notFound(request.params.id);
          const write = await prepareWrite(tx, type, workspaceId, request.body);
          const product = write.product !== undefined ? write.product : current.product;
          const mergeKey = crmEntities[type].mergeKey;
          const key = mergeKeyOf(type, write) ?? (mergeKey && write.product !== undefined ? ((current[mergeKey] as string | null) ?? null) : null);
          if (key) {
            const holder = await findByMergeKey(tx, type, workspaceId, product, key);
            if (holder && holder.id !== current.id) {
              throw new AppError('conflict', `${capitalised(one)} ${holder.id}${holder.deleted_at ? ' (deleted)' : ''} already has ${mergeKey} "${key}"${product ? ` in product "${product}"` : ''}.`);
            }
          }
          const saved = await updateEntity(tx, type, workspaceId, current.id, write);
          if (!saved) throw notFound(request.params.id);
          return afterWrite(tx, type, workspaceId, saved);
        });
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
        const workspaceId = authOf(request).workspaceId;
        const deleted = await db.transaction((tx) => softDeleteEntity(tx, type, workspaceId, request.params.id));
        if (!deleted) throw notFound(request.params.id);
        return { id: request.params.id, deleted: true as const };
      },
    );
  }
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function mergeKeyOf(type: CrmEntityType, write: EntityWrite): string | null {
  const mergeKey = crmEntities[type].mergeKey;
  if (!mergeKey) return null;
  const value = write.fields[mergeKey];
  return typeof value === 'string' ? value : null;
}

/** Body → write: merge keys normalized, links checked against the workspace, every given field marked edited. */
async function prepareWrite(tx: Db, type: CrmEntityType, workspaceId: string, body: CrmBody): Promise<EntityWrite> {
  const def = crmEntities[type];
  const write: EntityWrite = { fields: {}, edited: [] };
  for (const name of Object.keys(def.fields)) {
    if (!(name in body) || body[name] === undefined) continue;
    let value = body[name];
    if (name === 'domain' && typeof value === 'string') {
      value = normalizeDomain(value);
      if (!value) throw new AppError('validation_failed', `domain: "${String(body[name])}" is not a domain name.`, { field: 'domain' });
    }
    if (name === 'email' && typeof value === 'string') {
      value = normalizeEmail(value);
      if (!value) throw new AppError('validation_failed', `email: "${String(body[name])}" is not an email address.`, { field: 'email' });
    }
    write.fields[name] = value;
    write.edited!.push(name);
  }
  if (body.product !== undefined) write.product = body.product;
  if (body.custom !== undefined) write.custom = body.custom;
  for (const link of def.links) {
    const field = `${link}_id` as const;
    const value = body[field];
    if (value === undefined) continue;
    if (value !== null && !(await getEntity(tx, link === 'company' ? 'companies' : 'contacts', workspaceId, value as string))) {
      throw new AppError('validation_failed', `${field}: no ${link} "${String(value)}" in this workspace.`, { field });
    }
    if (link === 'company') write.companyId = value as string | null;
    else write.contactId = value as string | null;
    write.edited!.push(field);
  }
  // A contact's email names its company's domain: the contact joins that company when it exists (now or later).
  if (type === 'contacts' && typeof write.fields['email'] === 'string') write.linkKeys = { company_domain: emailCompanyDomain(write.fields['email']) };
  return write;
}

/** Links resolved both ways: this entity to what it names, and whatever was waiting for this company or contact. */
async function afterWrite(tx: Db, type: CrmEntityType, workspaceId: string, row: EntityRow): Promise<EntityRow> {
  await resolveLinks(tx, type, [row.id]);
  const key = row['domain'] ?? row['email'];
  if (type === 'companies' && typeof key === 'string') await backfillLinks(tx, workspaceId, 'company', [key]);
  if (type === 'contacts' && typeof key === 'string') await backfillLinks(tx, workspaceId, 'contact', [key]);
  return (await getEntity(tx, type, workspaceId, row.id)) ?? row;
}
