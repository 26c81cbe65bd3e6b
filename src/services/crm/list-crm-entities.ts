import type { CrmEntityType } from '../../contracts/crm.js';
import { normalizeDomain, normalizeEmail } from '../../core/crm-normalize.js';
import { listEntities, type EntityRow } from '../../db/queries/crm-entities.js';
import type { ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * One page of a workspace's entities of a type, newest first, filtered by product, links and equality on the
 * type's filterable fields, within the caller's `products` (another product's rows, and untagged ones for a scoped
 * caller, are not there). `text` searches the type's text fields. A domain or email filter is normalized as stored ones are, so `Acme.com` finds `acme.com`.
 */
export async function listCrmEntities(
  deps: Pick<ServiceDeps, 'db'>,
  input: {
    type: CrmEntityType;
    workspaceId: string;
    product?: string | undefined;
    /** The caller's product scope (ApiKeyIdentity.products). */
    products: ProductScope;
    /** Case-insensitive substring of any text field. */
    text?: string | undefined;
    companyId?: string | undefined;
    contactId?: string | undefined;
    /** Field → value the rows must have; undefined values are no filter. */
    equals: Record<string, string | undefined>;
    limit: number;
    offset: number;
  },
): Promise<{ rows: EntityRow[]; total: number }> {
  const equals = { ...input.equals };
  if (equals['domain']) equals['domain'] = normalizeDomain(equals['domain']) ?? equals['domain'];
  if (equals['email']) equals['email'] = normalizeEmail(equals['email']) ?? equals['email'];
  return listEntities(
    deps.db,
    input.type,
    input.workspaceId,
    { product: input.product, products: input.products, text: input.text, companyId: input.companyId, contactId: input.contactId, equals },
    { limit: input.limit, offset: input.offset },
  );
}
