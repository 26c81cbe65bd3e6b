import type { StreamContext } from '../../contracts/connector-kit.js';
import { HttpError, sleep, type HttpResponse, type QueryValue, isObject } from '../../http-client/index.js';

/** What the Google Calendar streams share: requests with Google's rate-limit answers, the calendar list. */

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

/**
 * Google answers its per-user quota with 403 `rateLimitExceeded` / `userRateLimitExceeded` and no Retry-After,
 * which the shared client takes for a permissions error (a plain 403 is one). Those two reasons are retried
 * here with exponential backoff, as Google's error guide asks. Mutable so tests can shorten the waits.
 */
export const rateLimitBackoff = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };
const rateLimitReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export { isObject };

/** The `reason` of Google's error body (`error.errors[0].reason`), if any. */
export function errorReason(body: unknown): string | null {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : null;
  const first = error && Array.isArray(error['errors']) ? (error['errors'][0] as unknown) : null;
  return isObject(first) && typeof first['reason'] === 'string' ? first['reason'] : null;
}

/**
 * A GET that returns 2xx and the statuses in `accept`; a 403 rate limit is waited out, any other 403 is
 * thrown as the `config` error it is (missing scope, calendar not shared), with Google's words.
 */
export async function googleGet<T>(
  ctx: StreamContext,
  url: string,
  query: Record<string, QueryValue>,
  accept: number[] = [],
): Promise<HttpResponse<T>> {
  for (let attempt = 1; ; attempt++) {
    const response = await ctx.http.get<T>(url, query, { signal: ctx.signal, acceptStatus: [403, ...accept] });
    if (response.status !== 403 || accept.includes(403)) return response;
    const limited = rateLimitReasons.has(errorReason(response.body) ?? '');
    if (!limited || attempt >= rateLimitBackoff.maxAttempts) {
      const snippet = JSON.stringify(response.body).slice(0, 400);
      throw new HttpError({
        kind: limited ? 'transient' : 'config',
        code: limited ? 'rate_limited' : 'http_status',
        status: 403,
        url: response.url,
        attempts: attempt,
        message: `${limited ? 'rate_limited' : 'http_status'}: GET ${new URL(response.url).pathname} returned 403${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${snippet}`,
      });
    }
    const delay = Math.min(rateLimitBackoff.maxDelayMs, rateLimitBackoff.baseDelayMs * 2 ** (attempt - 1));
    const jittered = delay / 2 + Math.random() * (delay / 2);
    ctx.log('warn', 'Google rate limit (403), backing off', { attempt, delay_ms: Math.round(jittered), reason: errorReason(response.body) });
    await sleep(jittered, ctx.signal);
  }
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
    const response = await googleGet<GoogleList>(ctx, '/calendar/v3/users/me/calendarList', query);
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

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
