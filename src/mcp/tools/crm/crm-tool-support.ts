import { z } from 'zod';
import { AppError } from '../../../contracts/errors.js';
import type { CrmEntityType } from '../../../contracts/crm.js';
import type { ProductScope } from '../../../services/keys/product-scope.js';
import type { McpCaller } from '../../mcp-caller.js';

/** What the CRM tools share: the products a call may reach, the read-only guard, cursors and names. */

/** The five entities with the full set of tools (activities have log_activity). */
export const crmToolEntities = ['companies', 'contacts', 'deals', 'engagements', 'invoices'] as const satisfies readonly CrmEntityType[];
export type CrmToolEntity = (typeof crmToolEntities)[number];

export const singular: Record<CrmToolEntity, string> = { companies: 'company', contacts: 'contact', deals: 'deal', engagements: 'engagement', invoices: 'invoice' };

/** Every CRM tool takes `product`; its meaning is narrowed per tool in the description. */
export const ProductArg = z.string().min(1).max(100);

/**
 * The products one call may reach: the caller's scope, narrowed to `product` when the call names one. A product
 * outside a scoped caller's products is `forbidden` (said plainly, rather than an empty answer a model might trust).
 */
export function callScope(caller: Pick<McpCaller, 'products'>, product: string | undefined): ProductScope {
  if (product === undefined) return caller.products;
  if (caller.products !== null && !caller.products.includes(product)) {
    throw new AppError('forbidden', `product: "${product}" is outside this key's products (${caller.products.map((p) => `"${p}"`).join(', ')}).`);
  }
  return [product];
}

/** Read-only callers never see mutating tools; this holds even if one were called anyway. */
export function refuseReadOnly(caller: Pick<McpCaller, 'readOnly'>): void {
  if (caller.readOnly) throw new AppError('read_only_key', 'This key is read-only: it cannot create or change CRM records.');
}

export const PageArgs = {
  limit: z.number().int().min(1).max(100).default(20).describe('Items per page, 1 to 100.'),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page; omit for the first page.'),
};

/** A page position as an opaque cursor, so clients page with next_cursor and never build offsets. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // not JSON: refused below
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this tool returned; pass next_cursor unchanged.', { field: 'cursor' });
}

export const nextCursor = (offset: number, count: number, total: number): string | null => (offset + count < total ? encodeCursor(offset + count) : null);

/** A zod failure of a tool's own extra checks, as the stable validation code. */
export function parsedOrRefused<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AppError('validation_failed', `${issue?.path.join('.') || 'arguments'}: ${issue?.message ?? 'invalid'}`);
}
