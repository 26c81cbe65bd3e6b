import { AppError } from '../../contracts/errors.js';
import type { Db } from '../../db/db.js';
import { getEntity } from '../../db/queries/crm-entities.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * A connection's `company_id` names a company of the caller's own workspace (a live row of the CRM companies
 * table), or nothing. Every place that sets one calls this: create, update, OAuth install and authorize.
 * Another workspace's company and one that never existed get the same answer, so the refusal tells nothing
 * about other workspaces; for a caller scoped to products, a company of another product (or an untagged one) is
 * answered the same way. A 400 rather than a 404: the URL addressed exists; what is wrong is a reference in the body.
 */
export async function checkCompanyId(db: Db, workspaceId: string, companyId: string | null | undefined, products: ProductScope): Promise<void> {
  if (companyId === null || companyId === undefined) return;
  if (await getEntity(db, 'companies', workspaceId, companyId, products)) return;
  throw new AppError('company_not_found', `company_id: no company "${companyId}" in this workspace (create it with POST /api/v1/companies first).`, { field: 'company_id' });
}
