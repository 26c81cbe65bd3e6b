import type { CrmEntityType } from '../../contracts/crm.js';
import type { EntityRow } from '../../db/queries/crm-entities.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { listCrmEntities } from './list-crm-entities.js';

/**
 * A text search over a type's entities: a case-insensitive substring of any of its text fields (a company's name,
 * domain, website…; a contact's email, names, title…), with the same filters and product scope as the list.
 * `%` and `_` are literal, so a query is never a pattern.
 */
export async function searchCrmEntities(
  deps: Pick<ServiceDeps, 'db'>,
  input: Omit<Parameters<typeof listCrmEntities>[1], 'text'> & { query: string; products: ProductScope; type: CrmEntityType },
): Promise<{ rows: EntityRow[]; total: number }> {
  return listCrmEntities(deps, { ...input, text: input.query });
}
