import { AppError } from '../../contracts/errors.js';
import { roleAtLeast, type Role } from '../../contracts/roles.js';
import type { ProductScope } from './product-scope.js';

/** What a key may do: its role, whether it is read-only, and its products (null: every product). */
export interface KeyScope {
  role: Role;
  readOnly: boolean;
  products: ProductScope;
}

/**
 * The scope of a key about to be minted by `creator`, from what was asked: a key never grants more than its creator
 * has. What is not asked for is inherited (a read-only creator mints read-only keys, a scoped one keys of its
 * products); asking for more — a higher role, writes from a read-only key, a product the creator lacks, or every
 * product from a scoped creator — is `forbidden`.
 */
export function narrowedKeyScope(creator: KeyScope, asked: { role: Role; readOnly?: boolean | undefined; products?: string[] | null | undefined }): KeyScope {
  if (!roleAtLeast(creator.role, asked.role)) throw new AppError('forbidden', `A ${creator.role} cannot create a key with the ${asked.role} role.`);
  const readOnly = asked.readOnly ?? creator.readOnly;
  if (creator.readOnly && !readOnly) throw new AppError('forbidden', 'A read-only key can only create read-only keys.', { field: 'read_only' });
  const products = asked.products === undefined ? creator.products : asked.products === null ? null : [...new Set(asked.products)];
  if (creator.products !== null) {
    if (products === null) throw new AppError('forbidden', 'A product-scoped key cannot create a key for every product.', { field: 'products' });
    const outside = products.filter((p) => !creator.products!.includes(p));
    if (outside.length > 0) throw new AppError('forbidden', `products: ${outside.map((p) => `"${p}"`).join(', ')} outside this key's products.`, { field: 'products' });
  }
  if (products !== null && products.length === 0) throw new AppError('validation_failed', 'products: name at least one product, or null for every product.', { field: 'products' });
  return { role: asked.role, readOnly, products };
}
