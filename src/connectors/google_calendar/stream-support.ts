import { isObject } from '../kit/index.js';

/**
 * What the events stream reads Google's answers with: its list pages and error reasons. Google's rate limits
 * (429, or 403 `rateLimitExceeded` / `userRateLimitExceeded` without a Retry-After) are retried by the shared HTTP
 * client, which reports any other 403 (a missing scope, a calendar not shared) as a configuration error.
 */

export type GoogleObject = Record<string, unknown>;

/** A list page of the Calendar API (`calendar#calendarList`, `calendar#events`). */
export interface GoogleList {
  items?: GoogleObject[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

/** events.list allows 2,500 a page; 1,000 keeps a resumed page cheap. */
export const eventPageSize = 1000;

export { isObject };

/** The `reason` of Google's error body (`error.errors[0].reason`), if any. */
export function errorReason(body: unknown): string | null {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : null;
  const first = error && Array.isArray(error['errors']) ? (error['errors'][0] as unknown) : null;
  return isObject(first) && typeof first['reason'] === 'string' ? first['reason'] : null;
}

export function eventsPath(calendarId: string): string {
  return `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;
}
