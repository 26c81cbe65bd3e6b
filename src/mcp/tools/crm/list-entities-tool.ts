import { z } from 'zod';
import { crmEntitySchemas, crmListFilters } from '../../../contracts/api/crm.js';
import { crmEntities } from '../../../contracts/crm.js';
import { entityView } from '../../../services/crm/crm-views.js';
import { listCrmEntities } from '../../../services/crm/list-crm-entities.js';
import { searchCrmEntities } from '../../../services/crm/search-crm-entities.js';
import type { McpToolDefinition } from '../../tool-definition.js';
import { callScope, decodeCursor, nextCursor, PageArgs, ProductArg, type CrmToolEntity } from './crm-tool-support.js';

/** The filters list and search share: product, the links, and equality on the type's filterable fields. */
function filterShape(type: CrmToolEntity): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {
    product: ProductArg.optional().describe('Only this product (one of the key\'s products, when it is scoped); omitted: every product the key may see.'),
  };
  for (const link of crmEntities[type].links) shape[`${link}_id`] = z.string().min(1).max(100).optional().describe(`Only those of this ${link}.`);
  for (const field of crmListFilters[type]) shape[field] = z.string().min(1).max(500).optional().describe(`Exact ${field}.`);
  return { ...shape, ...PageArgs };
}

const pageShape = (type: CrmToolEntity) => ({
  items: z.array(crmEntitySchemas[type]),
  total: z.number().int().describe('Matching items in all pages.'),
  next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page.'),
});

const readAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function filtersOf(type: CrmToolEntity, args: Record<string, unknown>) {
  return {
    companyId: args['company_id'] as string | undefined,
    contactId: args['contact_id'] as string | undefined,
    equals: Object.fromEntries(crmListFilters[type].map((f) => [f, args[f] as string | undefined])),
  };
}

/** `list_<entity>`: newest first, cursor-paged, filtered like GET /api/v1/<entity>. */
export function listEntitiesTool(type: CrmToolEntity): McpToolDefinition {
  return {
    name: `list_${type}`,
    title: `List ${type}`,
    description: `List CRM ${type}, newest first, ${crmEntities[type].links.length ? `filtered by product, ${crmEntities[type].links.map((l) => `${l}_id`).join(', ')} and ` : 'filtered by product and '}exact ${crmListFilters[type].join(', ')}. Paged: pass next_cursor back as cursor.`,
    inputSchema: filterShape(type),
    outputSchema: pageShape(type),
    annotations: { title: `List ${type}`, ...readAnnotations },
    mutates: false,
    minRole: 'viewer',
    async run({ deps, caller }, args) {
      const offset = decodeCursor(args['cursor'] as string | undefined);
      const limit = args['limit'] as number;
      const page = await listCrmEntities(deps, { type, workspaceId: caller.workspaceId, products: callScope(caller, args['product'] as string | undefined), ...filtersOf(type, args), limit, offset });
      return { items: page.rows.map((r) => entityView(type, r)), total: page.total, next_cursor: nextCursor(offset, page.rows.length, page.total) };
    },
  };
}

/** `search_<entity>`: a text query over the type's text fields, with the list's filters and paging. */
export function searchEntitiesTool(type: CrmToolEntity): McpToolDefinition {
  const textFields = Object.entries(crmEntities[type].fields).filter(([, t]) => t === 'text').map(([name]) => name);
  return {
    name: `search_${type}`,
    title: `Search ${type}`,
    description: `Search CRM ${type} by text: a case-insensitive match anywhere in ${textFields.join(', ')}; with the same filters and paging as list_${type}.`,
    inputSchema: { query: z.string().min(1).max(200).describe('Text to find (taken literally).'), ...filterShape(type) },
    outputSchema: pageShape(type),
    annotations: { title: `Search ${type}`, ...readAnnotations },
    mutates: false,
    minRole: 'viewer',
    async run({ deps, caller }, args) {
      const offset = decodeCursor(args['cursor'] as string | undefined);
      const limit = args['limit'] as number;
      const page = await searchCrmEntities(deps, {
        type,
        workspaceId: caller.workspaceId,
        products: callScope(caller, args['product'] as string | undefined),
        query: args['query'] as string,
        ...filtersOf(type, args),
        limit,
        offset,
      });
      return { items: page.rows.map((r) => entityView(type, r)), total: page.total, next_cursor: nextCursor(offset, page.rows.length, page.total) };
    },
  };
}
