import { z } from 'zod';
import { bodyShape, crmCreateBodySchemas, crmEntitySchemas, type CrmBody } from '../../../contracts/api/crm.js';
import type { CrmEntityType } from '../../../contracts/crm.js';
import { createCrmEntity } from '../../../services/crm/create-crm-entity.js';
import { entityView } from '../../../services/crm/crm-views.js';
import { updateCrmEntity } from '../../../services/crm/update-crm-entity.js';
import type { McpToolDefinition } from '../../tool-definition.js';
import { callScope, parsedOrRefused, ProductArg, refuseReadOnly, singular, type CrmToolEntity } from './crm-tool-support.js';

/** The body fields of an entity (bodyShape), `product` described for what it means to a create. */
function createShape(type: CrmEntityType): Record<string, z.ZodType> {
  return {
    ...bodyShape(type),
    product: ProductArg.optional().describe("The product to create it in; omitted: the key's only product when it is scoped to one, else none."),
  };
}

/** `create_<entity>` (and log_activity): as POST /api/v1/<entity>; a merge key (domain, email) already held is a conflict. */
export function createEntityTool(type: CrmEntityType, naming: { name: string; title: string; description: string }): McpToolDefinition {
  return {
    ...naming,
    inputSchema: createShape(type),
    outputSchema: crmEntitySchemas[type].shape,
    // Not idempotent: a second call creates a second record (or, for companies and contacts, is a conflict).
    annotations: { title: naming.title, readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    mutates: true,
    minRole: 'member',
    async run({ deps, caller }, args) {
      refuseReadOnly(caller);
      const { product, ...rest } = args as CrmBody;
      const products = callScope(caller, product ?? undefined);
      const body = parsedOrRefused(crmCreateBodySchemas[type].safeParse(product === undefined ? rest : { ...rest, product }));
      return entityView(type, await createCrmEntity(deps, { type, workspaceId: caller.workspaceId, products, body }));
    },
  };
}

export function createEntityToolFor(type: CrmToolEntity): McpToolDefinition {
  const one = singular[type];
  return createEntityTool(type, {
    name: `create_${one}`,
    title: `Create a ${one}`,
    description: `Create a CRM ${one}. Fields given are kept over synced values from then on.${type === 'companies' ? ' A domain another company of the product has is a conflict naming it: update that one instead.' : type === 'contacts' ? ' An email another contact of the product has is a conflict naming it: update that one instead.' : ''}`,
  });
}

/** `update_<entity>`: as PATCH /api/v1/<entity>/:id, the fields given only; `product` says which product the entity is in. */
export function updateEntityTool(type: CrmToolEntity): McpToolDefinition {
  const one = singular[type];
  const { product: _moved, ...fields } = bodyShape(type);
  return {
    name: `update_${one}`,
    title: `Update a ${one}`,
    description: `Update a CRM ${one}: only the fields given change, and are kept over synced values from then on; null clears a field. An id of another product or workspace is not_found.`,
    inputSchema: {
      id: z.string().min(1).max(100).describe(`The ${one}'s id.`),
      product: ProductArg.optional().describe(`The product the ${one} is in (it is not moved); omitted: any product the key may see.`),
      ...fields,
    },
    outputSchema: crmEntitySchemas[type].shape,
    // Idempotent: the same fields set twice leave the same record. Not destructive: nothing is deleted.
    annotations: { title: `Update a ${one}`, readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    mutates: true,
    minRole: 'member',
    async run({ deps, caller }, args) {
      refuseReadOnly(caller);
      const { id, product, ...body } = args as CrmBody & { id: string };
      const products = callScope(caller, product ?? undefined);
      return entityView(type, await updateCrmEntity(deps, { type, workspaceId: caller.workspaceId, products, id, body }));
    },
  };
}
