import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { CrmEntityTypeSchema, crmEntityTypes } from '../../contracts/crm.js';
import { AppError } from '../../contracts/errors.js';
import { entityView, sourceView } from '../../services/crm/crm-views.js';
import { getCrmEntity } from '../../services/crm/get-crm-entity.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { inProductScope } from '../../services/keys/product-scope.js';
import { scopeOf } from '../product-scope.js';

export const crmEntityResourceTemplate = 'tributary://crm/{entity}/{id}';

export const crmEntityResourceUri = (entity: string, id: string): string => `tributary://crm/${encodeURIComponent(entity)}/${encodeURIComponent(id)}`;

/**
 * One CRM entity (a company, contact, deal, engagement, invoice or activity) with the synced records it came
 * from, as GET /<entity>/:id shows it. An entity of a product outside the caller's scope does not exist for them.
 */
export async function readCrmEntityResource(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, uri: URL, entity: string, id: string): Promise<ReadResourceResult> {
  const type = CrmEntityTypeSchema.safeParse(entity);
  if (!type.success) throw new AppError('not_found', `No CRM entity type "${entity.slice(0, 50)}" (one of ${crmEntityTypes.join(', ')}).`);
  const { entity: row, sources } = await getCrmEntity(deps, { type: type.data, ...scopeOf(caller), id });
  const view = entityView(type.data, row);
  if (!inProductScope(view['product'] as string | null | undefined, caller.products)) throw new AppError('not_found', `No ${type.data} entity "${id}".`);
  const updatedAt = typeof view['updated_at'] === 'string' ? view['updated_at'] : undefined;
  const body = { entity: type.data, ...view, sources: sources.rows.map(sourceView), sources_total: sources.total };
  return { contents: [{ uri: uri.toString(), mimeType: 'application/json', text: JSON.stringify(body), ...(updatedAt ? { _meta: { lastModified: updatedAt } } : {}) }] };
}
