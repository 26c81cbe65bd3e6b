import type { CrmEntityType } from '../../contracts/crm.js';
import { softDeleteEntity } from '../../db/queries/crm-entities.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { entityNotFound } from './entity-write.js';

/** Deletes an entity softly (one of the caller's `products`; another's is not_found): a synced record that changes later brings it back. */
export async function deleteCrmEntity(deps: Pick<ServiceDeps, 'db'>, input: { type: CrmEntityType; workspaceId: string; id: string; products: ProductScope }): Promise<void> {
  const deleted = await deps.db.transaction((tx) => softDeleteEntity(tx, input.type, input.workspaceId, input.id, input.products));
  if (!deleted) throw entityNotFound(input.type, input.id);
}
