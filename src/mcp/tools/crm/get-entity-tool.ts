import { z } from 'zod';
import { crmDetailSchemas } from '../../../contracts/api/crm.js';
import { entityView, sourceView } from '../../../services/crm/crm-views.js';
import { getCrmEntity } from '../../../services/crm/get-crm-entity.js';
import type { McpToolDefinition } from '../../tool-definition.js';
import { callScope, ProductArg, singular, type CrmToolEntity } from './crm-tool-support.js';

/** `get_<entity>`: one entity by id with the synced records it came from, as GET /api/v1/<entity>/:id. */
export function getEntityTool(type: CrmToolEntity): McpToolDefinition {
  const one = singular[type];
  return {
    name: `get_${one}`,
    title: `Get a ${one}`,
    description: `One CRM ${one} by id, with its sources (the synced records it came from). An id of another product or workspace is not_found.`,
    inputSchema: {
      id: z.string().min(1).max(100).describe(`The ${one}'s id.`),
      product: ProductArg.optional().describe(`The product the ${one} must belong to; omitted: any product the key may see.`),
    },
    outputSchema: crmDetailSchemas[type].shape,
    annotations: { title: `Get a ${one}`, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    mutates: false,
    minRole: 'viewer',
    async run({ deps, caller }, args) {
      const { entity, sources } = await getCrmEntity(deps, { type, workspaceId: caller.workspaceId, products: callScope(caller, args['product'] as string | undefined), id: args['id'] as string });
      return { ...entityView(type, entity), sources: sources.rows.map(sourceView), sources_total: sources.total };
    },
  };
}
