import type { JsonRecord } from '../../kit/index.js';
import type { RecordStore, SandboxResponse, StoredRecord, StoreQuery } from '../../kit/sandbox/index.js';
import { isoMs, type CalendarRecords } from './records.js';
import { badParameter, fullSyncRequired, googleError } from './responses.js';
import { pageTokenOf, readPageToken, readSyncToken, syncTokenOf } from './tokens.js';
import type { CalendarFacts } from './world.js';

/**
 * `calendarList.list` and `events.list` over the kit's stores: Google's paging (`maxResults`, `pageToken` →
 * `nextPageToken`, and `nextSyncToken` on the last page only), its filters and their refusals, and incremental
 * listing by `syncToken` with deletions reported as `status: "cancelled"` events. A page token names the store's
 * change sequence, so an event changed while a listing is paged through comes again at its end; the sync token
 * at the end is the sequence reached, so nothing changed meanwhile is missed by the next incremental listing.
 */

/** The filters `syncToken` may not be combined with (events.list reference). */
const syncIncompatible = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin'];
const roleRank: Record<string, number> = { freeBusyReader: 0, reader: 1, writer: 2, owner: 3 };
/** Google may answer a page short of `maxResults` (even empty) with a `nextPageToken`; the scan budget does so. */
const scanBudgetFactor = 8;

const isResponse = (value: unknown): value is SandboxResponse => typeof value === 'object' && value !== null && 'status' in value;

function readMaxResults(params: URLSearchParams, fallback: number, max: number): number | SandboxResponse {
  const raw = params.get('maxResults');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) return badParameter(`Invalid value '${raw}'. Values must be within the range: [1, ${max}]`, 'maxResults');
  // Google documents "can never be larger than": a bigger value is served at the maximum.
  return Math.min(value, max);
}

/** RFC 3339 with a mandatory offset, as epoch ms; null when absent. */
function readTime(params: URLSearchParams, name: string): number | null | SandboxResponse {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) return googleError(400, 'Bad Request', { message: 'Bad Request', domain: 'global', reason: 'badRequest' });
  return ms;
}

interface WalkInput {
  store: RecordStore;
  params: URLSearchParams;
  /** The list (a calendar's id, or the calendar list): a sync token is good for its own list only. */
  list: string;
  /** The query's filters: a page token is good only with the list, sync position and filters it came from. */
  filters: string;
  after: number | null;
  query: StoreQuery;
  maxResults: number;
  /** The item for an entry, or null when the filters drop it. */
  render: (entry: StoredRecord) => JsonRecord | null;
}

/** One page of a list: its items, then a `nextPageToken` or, on the last page, a `nextSyncToken`. */
function walk(input: WalkInput): { items: JsonRecord[]; next: Record<string, string> } | SandboxResponse {
  const { store, after } = input;
  const scope = JSON.stringify([input.list, after, input.filters]);
  const pageText = input.params.get('pageToken');
  let from = after ?? 0;
  if (pageText !== null) {
    const position = readPageToken(store, scope, pageText);
    if (position === null) return badParameter('Invalid page token value.', 'pageToken');
    from = Math.max(from, position);
  }
  const budget = input.maxResults * scanBudgetFactor;
  const candidates = store.list({ ...input.query, afterSeq: from, limit: budget + 1 });
  const items: JsonRecord[] = [];
  let read = 0;
  while (read < candidates.length && read < budget && items.length < input.maxResults) {
    const item = input.render(candidates[read]!);
    read += 1;
    if (item) items.push(item);
  }
  if (read < candidates.length) return { items, next: { nextPageToken: pageTokenOf(store, scope, candidates[read - 1]!.seq) } };
  return { items, next: { nextSyncToken: syncTokenOf(store, input.list) } };
}

export function listCalendars(store: RecordStore, records: CalendarRecords, params: URLSearchParams): SandboxResponse {
  const maxResults = readMaxResults(params, 100, 250);
  if (isResponse(maxResults)) return maxResults;
  const minRole = params.get('minAccessRole');
  const syncText = params.get('syncToken');
  let after: number | null = null;
  if (syncText !== null) {
    after = readSyncToken(store, 'calendarList', syncText);
    if (after === null) return fullSyncRequired();
    if (minRole !== null) return badParameter('minAccessRole cannot be combined with syncToken.', 'minAccessRole');
  }
  if (minRole !== null && roleRank[minRole] === undefined) return badParameter(`Invalid value '${minRole}' for minAccessRole.`, 'minAccessRole');
  const render = (entry: StoredRecord): JsonRecord | null => {
    const item = records.calendarListEntry(entry);
    return minRole !== null && roleRank[String(item['accessRole'])]! < roleRank[minRole]! ? null : item;
  };
  const page = walk({ store, params, list: 'calendarList', filters: minRole ?? '', after, query: {}, maxResults, render });
  if (isResponse(page)) return page;
  return { status: 200, body: { kind: 'calendar#calendarList', etag: `"p${store.reached}"`, ...page.next, items: page.items } };
}

/** What `events.list` reads besides its list: both stores and the records drawn from them. */
export interface EventsContext {
  events: RecordStore;
  calendars: RecordStore;
  records: CalendarRecords;
}

export function listEvents({ events, calendars, records }: EventsContext, calendar: CalendarFacts, params: URLSearchParams): SandboxResponse {
  const maxResults = readMaxResults(params, 250, 2500);
  if (isResponse(maxResults)) return maxResults;
  const times = ['updatedMin', 'timeMin', 'timeMax'].map((name) => readTime(params, name));
  for (const t of times) if (isResponse(t)) return t;
  const [updatedMin = null, timeMin = null, timeMax = null] = times as (number | null)[];
  if (timeMin !== null && timeMax !== null && timeMin >= timeMax) {
    return googleError(400, 'The specified time range is empty.', { message: 'The specified time range is empty.', domain: 'calendar', reason: 'timeRangeEmpty', location: 'timeMax', locationType: 'parameter' });
  }
  if (params.get('orderBy') === 'startTime' && params.get('singleEvents') !== 'true') {
    const message = 'The requested ordering is not available for the particular query.';
    return googleError(400, message, { message, domain: 'global', reason: 'badRequest' });
  }
  const showDeleted = params.get('showDeleted');
  const syncText = params.get('syncToken');
  let after: number | null = null;
  if (syncText !== null) {
    const clash = syncIncompatible.find((name) => params.has(name));
    if (clash) return badParameter(`Sync token cannot be combined with the ${clash} parameter.`, clash);
    if (showDeleted === 'false') return badParameter('showDeleted cannot be false when syncToken is set.', 'showDeleted');
    // Expired, another calendar's, or not a token at all: Google answers 410 Gone.
    after = readSyncToken(events, calendar.id, syncText);
    if (after === null) return fullSyncRequired();
  }
  const q = params.get('q')?.toLowerCase() ?? null;
  const iCalUID = params.get('iCalUID');
  const render = (entry: StoredRecord): JsonRecord | null => {
    const item = records.event(entry);
    // Deletions come only when asked for (below), whatever their times: Google only guarantees a cancelled event's id.
    if (entry.deleted) return item;
    if (!passesTime(item, timeMin, timeMax)) return null;
    if (iCalUID !== null && item['iCalUID'] !== iCalUID) return null;
    if (q !== null && !['summary', 'description', 'location'].some((f) => String(item[f] ?? '').toLowerCase().includes(q))) return null;
    return item;
  };
  // An incremental listing and `updatedMin` always bring deletions since then, whatever showDeleted says.
  const deleted = after !== null || updatedMin !== null || showDeleted === 'true' ? 'include' : 'exclude';
  const query: StoreQuery = { partition: calendar.id, deleted, ...(updatedMin === null ? {} : { since: Math.ceil(updatedMin / 1000) }) };
  const filters = JSON.stringify([showDeleted === 'true', updatedMin, timeMin, timeMax, q, iCalUID]);
  const page = walk({ store: events, params, list: calendar.id, filters, after, query, maxResults, render });
  if (isResponse(page)) return page;

  const latest = Math.max(calendars.get(calendar.id)?.at ?? 0, records.history.latestChange(calendar.id)) * 1000;
  return {
    status: 200,
    body: {
      kind: 'calendar#events',
      etag: `"${latest * 1000}"`,
      summary: calendar.summary,
      ...(calendar.description === null ? {} : { description: calendar.description }),
      updated: isoMs(latest),
      timeZone: calendar.timeZone,
      accessRole: calendar.accessRole,
      defaultReminders: calendar.accessRole === 'owner' ? [{ method: 'popup', minutes: 10 }] : [],
      ...page.next,
      items: page.items,
    },
  };
}

/** `timeMin` bounds the end (exclusive), `timeMax` the start (exclusive), as the reference says. */
function passesTime(item: JsonRecord, timeMin: number | null, timeMax: number | null): boolean {
  if (timeMin !== null && !(instant(item['end']) > timeMin)) return false;
  if (timeMax !== null && !(instant(item['start']) < timeMax)) return false;
  return true;
}

function instant(value: unknown): number {
  const time = value as { dateTime?: string; date?: string } | undefined;
  return Date.parse(time?.dateTime ?? `${time?.date ?? ''}T00:00:00Z`);
}
