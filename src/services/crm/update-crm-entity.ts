import type { CrmBody } from '../../contracts/api/crm.js';
import { crmEntities, type CrmEntityType } from '../../contracts/crm.js';
import { AppError } from '../../contracts/errors.js';
import { findByMergeKey, getEntity, updateEntity, type EntityRow } from '../../db/queries/crm-entities.js';
import { checkProductWrite, type ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { afterEntityWrite, capitalised, crmEntityNoun, entityNotFound, mergeKeyOf, prepareEntityWrite } from './entity-write.js';

/**
 * Updates an entity by hand; the fields given are kept over synced values from then on. Changing its merge key (or
 * moving it to another product) to one another entity holds, even a deleted one, is a conflict that names it. A
 * scoped caller reaches only its products' entities (another's id is not_found) and may move one only among them.
 */
export async function updateCrmEntity(deps: Pick<ServiceDeps, 'db'>, input: { type: CrmEntityType; workspaceId: string; id: string; body: CrmBody; products: ProductScope }): Promise<EntityRow> {
  const { type, workspaceId, id } = input;
  return deps.db.transaction(async (tx) => {
    const current = await getEntity(tx, type, workspaceId, id, input.products);
    if (!current) throw entityNotFound(type, id);
    checkProductWrite(input.body.product, input.products);
    const write = await prepareEntityWrite(tx, type, workspaceId, input.body, input.products);
    const product = write.product !== undefined ? write.product : current.product;
    const mergeKey = crmEntities[type].mergeKey;
    const key = mergeKeyOf(type, write) ?? (mergeKey && write.product !== undefined ? ((current[mergeKey] as string | null) ?? null) : null);
    if (key) {
      const holder = await findByMergeKey(tx, type, workspaceId, product, key);
      if (holder && holder.id !== current.id) {
        throw new AppError(
          'conflict',
          `${capitalised(crmEntityNoun[type])} ${holder.id}${holder.deleted_at ? ' (deleted)' : ''} already has ${mergeKey} "${key}"${product ? ` in product "${product}"` : ''}.`,
        );
      }
    }
    const saved = await updateEntity(tx, type, workspaceId, current.id, write, { products: input.products });
    if (!saved) throw entityNotFound(type, id);
    return afterEntityWrite(tx, type, workspaceId, saved);
  });
}
