import type { CursorFormat as DescribedCursorFormat } from '../declarative/stream-spec.js';
import { isoSeconds, parseIsoSeconds } from './clock.js';

/**
 * How a datetime cursor is written in a record and in a request, the formats a stream description names
 * (`incremental.format`): ISO 8601 (at second precision, as most APIs print), epoch seconds or milliseconds, or a
 * calendar date.
 *
 * @example
 * ```ts
 * const format: CursorFormat = spec.incremental?.type === 'datetime' ? spec.incremental.format : 'iso';
 * ```
 */
export type CursorFormat = DescribedCursorFormat;

/**
 * The cursor value for a moment in epoch seconds.
 *
 * @example
 * ```ts
 * formatCursor(1_700_000_000, 'iso'); // '2023-11-14T22:13:20Z'
 * formatCursor(1_700_000_000, 'unix_ms'); // 1700000000000
 * ```
 */
export function formatCursor(epochSeconds: number, format: CursorFormat): string | number {
  switch (format) {
    case 'unix_seconds':
      return epochSeconds;
    case 'unix_ms':
      return epochSeconds * 1000;
    case 'date':
      return isoSeconds(epochSeconds).slice(0, 10);
    default:
      return isoSeconds(epochSeconds);
  }
}

/**
 * Epoch seconds (rounded down) from a cursor value as a record holds it or a request sends it, or null when it is
 * not one. Numbers in text (`?since=1700000000`) are read as the format says.
 *
 * @example
 * ```ts
 * const since = parseCursor(req.url.searchParams.get('updated_since'), 'iso');
 * if (since === null) return badRequest('updated_since is not a date');
 * ```
 */
export function parseCursor(value: unknown, format: CursorFormat): number | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) && format.startsWith('unix'))) {
    const n = Number(value);
    if (!Number.isFinite(n)) return null;
    return Math.floor(format === 'unix_ms' ? n / 1000 : n);
  }
  if (typeof value !== 'string') return null;
  return parseIsoSeconds(value);
}

/** Seconds in each granularity a provider's filter understands. */
const granularitySeconds = { ms: 1, second: 1, minute: 60, day: 86_400 } as const;

/**
 * `epochSeconds` rounded down to what a provider's filter understands (JQL: minutes).
 *
 * @example
 * ```ts
 * roundDown(1_700_000_059, 'minute'); // 1700000040
 * ```
 */
export function roundDown(epochSeconds: number, granularity: keyof typeof granularitySeconds): number {
  const step = granularitySeconds[granularity];
  return Math.floor(epochSeconds / step) * step;
}
