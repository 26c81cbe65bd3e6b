import { isoSeconds } from '../../kit/sandbox/index.js';

/**
 * QuickBooks prints every timestamp in the company's own time zone with its offset
 * (`2015-07-24T10:48:27-07:00`), not in UTC. The simulated company sits at a fixed UTC-08:00 (Pacific standard
 * time, without daylight saving), so clients that compare these strings as text instead of as instants would
 * be caught out exactly as they would be by the real API.
 */
const offsetSeconds = -8 * 3600;

export function qboTime(epochSeconds: number): string {
  return `${isoSeconds(epochSeconds + offsetSeconds).slice(0, 19)}-08:00`;
}

/** `YYYY-MM-DD` of an instant, in the company's time zone. */
export function qboDate(epochSeconds: number): string {
  return isoSeconds(epochSeconds + offsetSeconds).slice(0, 10);
}

/** Epoch seconds of an ISO 8601 date or date-time (a bare date is midnight in the company's time zone), or null. */
export function parseQboTime(value: string): number | null {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const ms = Date.parse(`${text}T00:00:00-08:00`);
    return Number.isNaN(ms) ? null : ms / 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return null;
  // No offset: the company's time zone, as QuickBooks reads it.
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}-08:00`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms / 1000;
}
