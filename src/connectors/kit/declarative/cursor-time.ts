/**
 * Cursor values as the providers write them (ISO text, Unix seconds or milliseconds, dates) and as they want them
 * back in a filter, rounded down to what the filter understands.
 */

import type { CursorFormat } from './stream-spec.js';
export type Granularity = 'ms' | 'second' | 'minute' | 'day';

/**
 * A cursor value as epoch milliseconds: ISO text, or a number (or digits) read as Unix seconds when below
 * 10^11 and as milliseconds otherwise. NaN when it is neither.
 *
 * @example
 * ```ts
 * cursorMs('2024-01-31T12:00:00Z'); // 1706702400000
 * cursorMs(1706702400);             // 1706702400000
 * ```
 */
export function cursorMs(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? (Math.abs(value) < 1e11 ? value * 1000 : value) : Number.NaN;
  if (typeof value !== 'string' || value.trim() === '') return Number.NaN;
  const text = value.trim();
  if (/^\d{1,16}(?:\.\d+)?$/.test(text)) return cursorMs(Number(text));
  return Date.parse(text);
}

const unit: Record<Granularity, number> = { ms: 1, second: 1000, minute: 60_000, day: 86_400_000 };

/** Rounded down to the granularity (UTC). */
export function floorTo(ms: number, granularity: Granularity): number {
  return Math.floor(ms / unit[granularity]) * unit[granularity];
}

/** Epoch milliseconds written the way a provider's filter reads them. */
export function formatCursor(ms: number, format: CursorFormat): string {
  const iso = new Date(ms).toISOString();
  switch (format) {
    case 'iso':
      return iso;
    case 'iso_seconds':
      return `${iso.slice(0, 19)}Z`;
    case 'unix_seconds':
      return String(Math.floor(ms / 1000));
    case 'unix_ms':
      return String(Math.floor(ms));
    case 'date':
      return iso.slice(0, 10);
  }
}

/**
 * The later of two cursor values (either may be null or unreadable, then the other wins).
 *
 * @example
 * ```ts
 * laterCursor('2024-01-01T00:00:00Z', 1706700000); // 1706700000 (2024-01-31)
 * ```
 */
export function laterCursor<T>(a: T | null, b: T | null): T | null {
  if (a === null || Number.isNaN(cursorMs(a))) return b;
  if (b === null || Number.isNaN(cursorMs(b))) return a;
  return cursorMs(b) > cursorMs(a) ? b : a;
}

/**
 * The earlier of two cursor values (either may be null or unreadable, then the other wins).
 *
 * @example
 * ```ts
 * earlierCursor(maxSeen, startedAt); // never past the moment the walk began
 * ```
 */
export function earlierCursor<T>(a: T | null, b: T | null): T | null {
  if (a === null || Number.isNaN(cursorMs(a))) return b;
  if (b === null || Number.isNaN(cursorMs(b))) return a;
  return cursorMs(b) < cursorMs(a) ? b : a;
}
