import { isObject, timeOf } from '../kit/index.js';
/** What the Deel streams share: page sizes, Deel's `{ data, page }` envelope, and timestamp handling. */

export type DeelObject = Record<string, unknown>;

/**
 * Records asked for per page. Deel's pagination guide says large lists return at most 99 results a page; the
 * people list declares `items_per_page` ≤ 99. Readers advance by what they received, never by this number.
 */
export const pageSize = 99;

/** `GET /people`: `{ data, page: { offset, total_rows, items_per_page } }`. */
export interface OffsetEnvelope {
  data?: unknown;
  page?: { offset?: unknown; total_rows?: unknown; items_per_page?: unknown };
}

/** `GET /contracts`: `{ data, page: { cursor, total_rows } }`. */
export interface CursorEnvelope {
  data?: unknown;
  page?: { cursor?: unknown; total_rows?: unknown };
}

export function dataOf(body: unknown): DeelObject[] {
  const data = isObject(body) ? body['data'] : undefined;
  return Array.isArray(data) ? data.filter(isObject) : [];
}

export { isObject, timeOf };

/** The later of two ISO timestamps (either may be null). */
export function later(a: string | null, b: string | null): string | null {
  if (a === null || Number.isNaN(timeOf(a))) return b;
  if (b === null || Number.isNaN(timeOf(b))) return a;
  return timeOf(b) > timeOf(a) ? b : a;
}

/** The earlier of two ISO timestamps (either may be null). */
export function earlier(a: string | null, b: string | null): string | null {
  if (a === null || Number.isNaN(timeOf(a))) return b;
  if (b === null || Number.isNaN(timeOf(b))) return a;
  return timeOf(b) < timeOf(a) ? b : a;
}
