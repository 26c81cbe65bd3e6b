import { isObject, type QueryValue, type StreamContext, stringList } from '../kit/index.js';

/**
 * What the Google Calendar streams share: the calendar list, and Google's error reasons. Google's rate limits
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

/** Largest pages: calendarList allows 250, events.list 2,500 (1,000 keeps a resumed page cheap). */
export const calendarPageSize = 250;
export const eventPageSize = 1000;

export { isObject, stringList };

/** The `reason` of Google's error body (`error.errors[0].reason`), if any. */
export function errorReason(body: unknown): string | null {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : null;
  const first = error && Array.isArray(error['errors']) ? (error['errors'][0] as unknown) : null;
  return isObject(first) && typeof first['reason'] === 'string' ? first['reason'] : null;
}

/** The `calendars` config field (a comma list, or an array) as calendar ids; null when unset. */
export function configuredCalendars(config: Record<string, unknown>): string[] | null {
  const raw = config['calendars'];
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const ids = [...new Set(list.map((id) => id.trim()).filter((id) => id !== ''))];
  return ids.length === 0 ? null : ids;
}

/** Whether a calendar list entry is one the config asks for ("primary" names the user's own calendar). */
export function isConfigured(entry: GoogleObject, configured: string[] | null): boolean {
  if (configured === null) return true;
  return configured.some((id) => id === entry['id'] || (id === 'primary' && entry['primary'] === true));
}

/**
 * Every page of the user's calendar list, hidden calendars included (they are still the user's calendars,
 * only not shown in the UI). `start` resumes at a saved page token.
 */
export async function* calendarListPages(ctx: StreamContext, start?: string): AsyncGenerator<{ items: GoogleObject[]; next: string | null }> {
  let pageToken = start;
  for (;;) {
    const query: Record<string, QueryValue> = { maxResults: calendarPageSize, showHidden: true, pageToken };
    const response = await ctx.http.get<GoogleList>('/calendar/v3/users/me/calendarList', query, { signal: ctx.signal });
    const next = response.body.nextPageToken ?? null;
    yield { items: (response.body.items ?? []).filter(isObject), next };
    if (next === null) return;
    pageToken = next;
  }
}

/** The calendars the events stream reads: configured ones (or all), without free/busy-only ones. */
export async function calendarsToRead(ctx: StreamContext): Promise<string[]> {
  const configured = configuredCalendars(ctx.config);
  const ids: string[] = [];
  for await (const page of calendarListPages(ctx)) {
    for (const entry of page.items) {
      if (!isConfigured(entry, configured) || typeof entry['id'] !== 'string') continue;
      // A free/busy reader cannot list events (Google answers 403): nothing to read there.
      if (entry['accessRole'] === 'freeBusyReader') {
        ctx.log('info', 'skipping a calendar shared as free/busy only', { calendar: entry['id'] });
        continue;
      }
      ids.push(entry['id']);
    }
  }
  return ids;
}

export function eventsPath(calendarId: string): string {
  return `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;
}
