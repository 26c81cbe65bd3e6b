import type { CrmBody } from '../../contracts/api/crm.js';
import { crmEntities, type CrmEntityType } from '../../contracts/crm.js';
import { AppError } from '../../contracts/errors.js';
import { newId } from '../../core/ids.js';
import { findByMergeKey, insertEntity, updateEntity, type EntityRow } from '../../db/queries/crm-entities.js';
import { productForCreate, type ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { afterEntityWrite, capitalised, crmEntityNoun, mergeKeyOf, prepareEntityWrite } from './entity-write.js';

/**
 * Creates an entity by hand; its fields count as edited, so later syncs do not overwrite them. A create whose
 * domain (company) or email (contact) a live entity of the product already has is a conflict that names it, since
 * merging is what syncs do; a deleted entity still holds its key, and creating it again brings it back with its
 * sources and id. A caller scoped to products creates only in them (see productForCreate: its only product when it
 * names none; another product is forbidden).
 */
export async function createCrmEntity(deps: Pick<ServiceDeps, 'db'>, input: { type: CrmEntityType; workspaceId: string; body: CrmBody; products: ProductScope }): Promise<EntityRow> {
  const { type, workspaceId } = input;
  return deps.db.transaction(async (tx) => {
    const product = productForCreate(input.body.product, input.products);
    const body = product === undefined ? input.body : { ...input.body, product };
    const write = await prepareEntityWrite(tx, type, workspaceId, body, input.products);
    const key = mergeKeyOf(type, write);
    const holder = key ? await findByMergeKey(tx, type, workspaceId, write.product ?? null, key) : undefined;
    if (holder && holder.deleted_at === null) {
      throw new AppError(
        'conflict',
        `${capitalised(crmEntityNoun[type])} ${holder.id} already has ${crmEntities[type].mergeKey} "${key}"${write.product ? ` in product "${write.product}"` : ''}; update it instead.`,
      );
    }
    const saved = holder
      ? await updateEntity(tx, type, workspaceId, holder.id, write, { revive: true })
      : await insertEntity(tx, type, { id: newId(crmEntities[type].prefix), workspaceId, ...write });
    return afterEntityWrite(tx, type, workspaceId, saved!);
  });
}
