import { AppError } from '../../contracts/errors.js';

/**
 * The opaque cursor of the MCP tools' offset-paged lists (connections, run logs): a position wrapped so that a
 * model passes back what it got instead of doing arithmetic, and so that the wrapping can change. The change feed
 * has its own cursor (services/records/change-feed-cursor.ts).
 */
export type PagePosition = Record<string, number>;

export const encodePageCursor = (position: PagePosition): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The position in a cursor these tools returned, or `invalid_cursor` for anything else. */
export function decodePageCursor(cursor: string, keys: readonly string[]): PagePosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed);
      const valid = entries.every(([k, v]) => keys.includes(k) && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
      if (valid && entries.length > 0) return Object.fromEntries(entries) as PagePosition;
    }
  } catch {
    // fall through
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this tool returned; pass next_cursor from the previous page as is.', { field: 'cursor' });
}
