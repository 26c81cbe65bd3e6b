import type { CrmEntityType } from '../../contracts/crm.js';
import { getEntity, type EntityRow } from '../../db/queries/crm-entities.js';
import { sourcesOfEntity, type EntitySource } from '../../db/queries/crm-sources.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { entityNotFound } from './entity-write.js';

/** One entity of the workspace (of the caller's `products`: another product's id is not_found) with its sources: the synced records it came from (the first 100, and how many in all). */
export async function getCrmEntity(
  deps: Pick<ServiceDeps, 'db'>,
  input: { type: CrmEntityType; workspaceId: string; id: string; products: ProductScope },
): Promise<{ entity: EntityRow; sources: { rows: EntitySource[]; total: number } }> {
  const entity = await getEntity(deps.db, input.type, input.workspaceId, input.id, input.products);
  if (!entity) throw entityNotFound(input.type, input.id);
  return { entity, sources: await sourcesOfEntity(deps.db, input.type, entity.id) };
}
