import { AppError } from '../../contracts/errors.js';

/**
 * The change feed's cursor is the last change number read, wrapped so clients don't build their own (and so the
 * wrapping can change without breaking them). Every reader of the feed (API, MCP, CLI) uses this one encoding.
 */
export const encodeChangeCursor = (seq: number): string => Buffer.from(JSON.stringify({ seq })).toString('base64url');

export function decodeChangeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { seq?: unknown };
    if (typeof parsed.seq === 'number' && Number.isSafeInteger(parsed.seq) && parsed.seq >= 0) return parsed.seq;
  } catch {
    // fall through
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this API returned.', { field: 'cursor' });
}
