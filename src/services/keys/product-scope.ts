import { AppError } from '../../contracts/errors.js';

/**
 * A caller's product scope (ApiKeyIdentity.products): the products whose CRM rows and connections it may see and
 * write, or null for every product. Rows with no product (the workspace's own, untagged data) are shared admin
 * data: only an unscoped caller sees them, so a scoped key can never reach what no product owns.
 */
export type ProductScope = string[] | null;

/** Whether a row tagged `product` (null: untagged) is visible to a caller with `products`. */
export function inProductScope(product: string | null | undefined, products: ProductScope): boolean {
  if (products === null) return true;
  return typeof product === 'string' && products.includes(product);
}

const scopeText = (products: string[]) => products.map((p) => `"${p}"`).join(', ');

/**
 * The product a new row gets: what the caller gave, checked against its scope. A scoped caller that names no
 * product gets its only product, or must name one when it has several; a product outside the scope (or none at
 * all, which is untagged admin data) is `forbidden`.
 *
 * @example
 * ```ts
 * productForCreate(undefined, ['acme']); // 'acme'
 * productForCreate('other', ['acme']); // throws forbidden
 * ```
 */
export function productForCreate(given: string | null | undefined, products: ProductScope): string | null | undefined {
  if (products === null) return given;
  if (given === undefined) {
    if (products.length === 1) return products[0];
    throw new AppError('validation_failed', `product: this key is scoped to ${scopeText(products)}; name the product to create it in.`, { field: 'product' });
  }
  checkProductWrite(given, products);
  return given;
}

/** A change of a row's product (an update): the new product must be in the caller's scope; untagging is refused too. */
export function checkProductWrite(given: string | null | undefined, products: ProductScope): void {
  if (given === undefined || products === null) return;
  if (given === null) throw new AppError('forbidden', `product: this key is scoped to ${scopeText(products)} and cannot leave a row without a product.`, { field: 'product' });
  if (!products.includes(given)) throw new AppError('forbidden', `product: "${given}" is outside this key's products (${scopeText(products)}).`, { field: 'product' });
}
