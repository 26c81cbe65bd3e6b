import { z } from 'zod';
import { IsoDateTimeSchema } from './common.js';
import { CrmMappingListSchema, CrmMappingSchema, crmEntities, crmEntityTypes, type CrmEntityType, type CrmFieldType } from '../crm.js';
import { PaginationSchema } from '../pagination.js';

/**
 * API bodies of the canonical CRM model, derived from the entity definitions in contracts/crm.ts: one schema
 * source for validation, types and the OpenAPI document.
 */
function inputField(type: CrmFieldType): z.ZodType {
  switch (type) {
    case 'text':
      return z.string().max(10_000);
    case 'number':
      return z.number().finite();
    case 'integer':
      // Stored in an `integer` column: beyond its range PostgreSQL would refuse the write.
      return z.number().int().min(-2_147_483_648).max(2_147_483_647);
    case 'timestamp':
      return IsoDateTimeSchema;
    case 'json':
      return z.unknown();
  }
}

function outputField(type: CrmFieldType): z.ZodType {
  switch (type) {
    case 'text':
    case 'timestamp':
      return z.string().nullable();
    case 'number':
    case 'integer':
      return z.number().nullable();
    case 'json':
      return z.unknown();
  }
}

const Id = z.string().min(1).max(100);

function byEntity<T>(make: (type: CrmEntityType) => T): Record<CrmEntityType, T> {
  return Object.fromEntries(crmEntityTypes.map((type) => [type, make(type)])) as Record<CrmEntityType, T>;
}
const Custom = z.record(z.string(), z.unknown());

/** The fields of a create or update body of an entity, as a zod shape (the MCP CRM tools take the same fields). */
export function bodyShape(type: CrmEntityType): Record<string, z.ZodType> {
  const def = crmEntities[type];
  const shape: Record<string, z.ZodType> = {
    product: z.string().min(1).max(100).nullable().optional(),
    custom: Custom.optional(),
  };
  if (def.links.includes('company')) shape['company_id'] = Id.nullable().optional();
  if (def.links.includes('contact')) shape['contact_id'] = Id.nullable().optional();
  for (const [name, fieldType] of Object.entries(def.fields)) shape[name] = inputField(fieldType).nullable().optional();
  return shape;
}

/** What a create must name: enough to tell the entity apart. */
const required: Partial<Record<CrmEntityType, { any: string[] }>> = {
  companies: { any: ['name', 'domain'] },
  contacts: { any: ['email', 'name', 'first_name', 'last_name'] },
  activities: { any: ['activity_type'] },
};

export type CrmBody = Record<string, unknown> & { product?: string | null; custom?: Record<string, unknown>; company_id?: string | null; contact_id?: string | null };

export const crmCreateBodySchemas = byEntity((type) => {
  const rule = required[type];
  const base = z.object(bodyShape(type)).strict();
  const schema = rule
    ? base.refine((b) => rule.any.some((f) => b[f] !== undefined && b[f] !== null && b[f] !== ''), {
        message: `give at least one of ${rule.any.join(', ')}`,
        path: [rule.any[0]!],
      })
    : base;
  return schema as unknown as z.ZodType<CrmBody>;
});

export const crmUpdateBodySchemas = byEntity((type) => z.object(bodyShape(type)).strict() as unknown as z.ZodType<CrmBody>);

export const crmEntitySchemas = byEntity((type) => {
  const def = crmEntities[type];
  const shape: Record<string, z.ZodType> = { id: z.string(), product: z.string().nullable() };
  if (def.links.includes('company')) shape['company_id'] = z.string().nullable();
  if (def.links.includes('contact')) shape['contact_id'] = z.string().nullable();
  for (const [name, fieldType] of Object.entries(def.fields)) shape[name] = outputField(fieldType);
  Object.assign(shape, {
    custom: Custom,
    /** `api` (created through the API), `sync` (created by a synced record) or `tributary` (Tributary's own activity). */
    created_via: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  });
  return z.object(shape);
});

export const CrmSourceSchema = z.object({
  connection_id: z.string(),
  connector: z.string().nullable(),
  connection_name: z.string().nullable(),
  stream: z.string(),
  record_id: z.string(),
  /** The mapping that produced the entity from the record (`name#n` for an element of `each`). */
  mapping: z.string(),
  /** The canonical fields this record contributed. */
  fields: z.record(z.string(), z.unknown()),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
});

export const crmDetailSchemas = byEntity((type) => crmEntitySchemas[type].extend({ sources: z.array(CrmSourceSchema), sources_total: z.number().int() }));

export const crmListSchemas = byEntity((type) => z.object({ data: z.array(crmEntitySchemas[type]), pagination: PaginationSchema }));

/** Exact-match filters besides product, company_id and contact_id. */
export const crmListFilters: Record<CrmEntityType, string[]> = {
  companies: ['domain', 'company_type', 'name'],
  contacts: ['email', 'pipeline_stage', 'portal_role'],
  deals: ['stage', 'status'],
  engagements: ['status', 'engagement_type'],
  invoices: ['status', 'number', 'currency'],
  activities: ['activity_type', 'source'],
};

export type CrmListQuery = Record<string, string | number | undefined> & { limit: number; offset: number };

export const crmListQuerySchemas = byEntity((type) => {
  const def = crmEntities[type];
  const shape: Record<string, z.ZodType> = {
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    product: z.string().min(1).max(100).optional(),
  };
  if (def.links.includes('company')) shape['company_id'] = Id.optional();
  if (def.links.includes('contact')) shape['contact_id'] = Id.optional();
  for (const name of crmListFilters[type]) shape[name] = z.string().min(1).max(500).optional();
  return z.object(shape).strict() as unknown as z.ZodType<CrmListQuery>;
});

export const MappingsResponseSchema = z.object({
  connection_id: z.string(),
  connector: z.string(),
  /** True when the connection has its own mappings; false when its connector's defaults apply. */
  customized: z.boolean(),
  mappings: z.array(CrmMappingSchema),
  defaults: z.array(CrmMappingSchema),
});

export const PutMappingsBodySchema = z
  .object({
    /** The connection's mappings, replacing the defaults; `null` goes back to the defaults. */
    mappings: CrmMappingListSchema.nullable(),
  })
  .strict();

export const ProjectionStatsSchema = z.object({
  records: z.number().int(),
  entities: z.record(z.string(), z.number().int()),
  removed_sources: z.number().int(),
  deleted_entities: z.number().int(),
});

export const PutMappingsResponseSchema = MappingsResponseSchema.extend({ projection: ProjectionStatsSchema });

export const EntityCountsSchema = z.object({
  connection_id: z.string(),
  connector: z.string(),
  streams: z.array(z.object({ stream: z.string(), live: z.number().int(), deleted: z.number().int() })),
  /** Live canonical entities that at least one record of this connection supports. */
  entities: z.record(z.string(), z.number().int()),
  total_records: z.number().int(),
});
