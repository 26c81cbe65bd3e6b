import type { SandboxResponse } from '../../kit/sandbox/index.js';
import { calendarListEntry, cancelledEvent, event, isoMs } from './objects.js';
import { badParameter, fullSyncRequired, googleError } from './responses.js';
import type { CalendarStore } from './store.js';
import { decodePageToken, decodeSyncToken, encodePageToken, encodeSyncToken, type PageToken } from './tokens.js';

/**
 * `calendarList.list` and `events.list`: Google's paging (`maxResults`, `pageToken` → `nextPageToken`, and
 * `nextSyncToken` on the last page only), its filters, and incremental listing by `syncToken` with
 * deletions reported as `status: "cancelled"` events. A listing is consistent from its first page: the sync
 * token at its end is the change batch it started at, so whatever changes while it is paged through comes
 * back in the next incremental listing.
 */
export interface ListContext {
  store: CalendarStore;
  params: URLSearchParams;
}

/** The filters `syncToken` may not be combined with (events.list reference). */
const syncIncompatible = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin'];
const roleRank: Record<string, number> = { freeBusyReader: 0, reader: 1, writer: 2, owner: 3 };
/** Google may answer a page short of `maxResults` (even empty) with a `nextPageToken`; the scan budget does so. */
const scanBudgetFactor = 8;

function readMaxResults(params: URLSearchParams, fallback: number, max: number): number | SandboxResponse {
  const raw = params.get('maxResults');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) return badParameter(`Invalid value '${raw}'. Values must be within the range: [1, ${max}]`, 'maxResults');
  // Google documents "can never be larger than": a bigger value is served at the maximum.
  return Math.min(value, max);
}

function readTime(params: URLSearchParams, name: string): number | null | SandboxResponse {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  // RFC 3339 with a mandatory offset.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) return googleError(400, 'Bad Request', { message: 'Bad Request', domain: 'global', reason: 'badRequest' });
  return ms;
}

const isResponse = (value: unknown): value is SandboxResponse => typeof value === 'object' && value !== null && 'status' in value;

function readBoolean(params: URLSearchParams, name: string): boolean | null {
  const raw = params.get(name);
  return raw === null ? null : raw === 'true';
}

function invalidPageToken(): SandboxResponse {
  return badParameter('Invalid page token value.', 'pageToken');
}

export function listCalendars({ store, params }: ListContext): SandboxResponse {
  const maxResults = readMaxResults(params, 100, 250);
  if (isResponse(maxResults)) return maxResults;
  const listMarker = store.calendarCount;
  const syncText = params.get('syncToken');
  let after: number | null = null;
  if (syncText !== null) {
    const sync = decodeSyncToken(syncText);
    if (!sync || sync.epoch !== store.tokenEpoch || sync.calendar !== listMarker) return fullSyncRequired();
    if (params.get('minAccessRole') !== null) return badParameter('minAccessRole cannot be combined with syncToken.', 'minAccessRole');
    after = sync.seq;
  }
  const minRole = params.get('minAccessRole');
  if (minRole !== null && roleRank[minRole] === undefined) return badParameter(`Invalid value '${minRole}' for minAccessRole.`, 'minAccessRole');
  const filters = `calendarList:${minRole ?? ''}`;
  const pageText = params.get('pageToken');
  const page = pageText === null ? null : decodePageToken(pageText);
  if (pageText !== null && (!page || page.calendar !== listMarker || page.after !== after || page.filters !== filters)) return invalidPageToken();
  const snapshot = page?.snapshot ?? store.seq;

  const matching: number[] = [];
  for (let c = 0; c < store.calendarCount; c++) {
    if (after !== null && !(store.calendarSeq(c) > after && store.calendarSeq(c) <= snapshot)) continue;
    const role = store.world.calendars[c]!.accessRole;
    if (minRole !== null && roleRank[role]! < roleRank[minRole]!) continue;
    matching.push(c);
  }
  const start = page?.position ?? 0;
  const items = matching.filter((c) => c >= start).slice(0, maxResults);
  const last = items.at(-1);
  const more = last !== undefined && matching.some((c) => c > last);
  const token: PageToken = { calendar: listMarker, position: (last ?? 0) + 1, snapshot, after, filters };
  return {
    status: 200,
    body: {
      kind: 'calendar#calendarList',
      etag: `"p${snapshot}${store.calendarCount}"`,
      ...(more ? { nextPageToken: encodePageToken(token) } : { nextSyncToken: encodeSyncToken({ epoch: store.tokenEpoch, calendar: listMarker, seq: snapshot }) }),
      items: items.map((c) => calendarListEntry(store, c)),
    },
  };
}

interface EventFilters {
  showDeleted: boolean;
  updatedMin: number | null;
  timeMin: number | null;
  timeMax: number | null;
  q: string | null;
  iCalUID: string | null;
}

export function listEvents({ store, params }: ListContext, c: number): SandboxResponse {
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
  const showDeleted = readBoolean(params, 'showDeleted');
  const syncText = params.get('syncToken');
  let after: number | null = null;
  if (syncText !== null) {
    const clash = syncIncompatible.find((name) => params.has(name));
    if (clash) return badParameter(`Sync token cannot be combined with the ${clash} parameter.`, clash);
    if (showDeleted === false) return badParameter('showDeleted cannot be false when syncToken is set.', 'showDeleted');
    const sync = decodeSyncToken(syncText);
    // Expired, from an earlier epoch, another calendar's, or not a token at all: Google answers 410 Gone.
    if (!sync || sync.epoch !== store.tokenEpoch || sync.calendar !== c || sync.seq > store.seq) return fullSyncRequired();
    after = sync.seq;
  }
  const filters: EventFilters = {
    showDeleted: showDeleted === true,
    updatedMin,
    timeMin,
    timeMax,
    q: params.get('q')?.toLowerCase() ?? null,
    iCalUID: params.get('iCalUID'),
  };
  const fingerprint = JSON.stringify(filters);
  const pageText = params.get('pageToken');
  const page = pageText === null ? null : decodePageToken(pageText);
  if (pageText !== null && (!page || page.calendar !== c || page.after !== after || page.filters !== fingerprint)) return invalidPageToken();
  const snapshot = page?.snapshot ?? store.seq;
  const start = page?.position ?? 0;

  const { items, next } = after !== null ? incrementalPage(store, c, after, snapshot, start, maxResults) : fullPage(store, c, filters, start, maxResults);
  const calendar = store.world.calendars[c]!;
  const latest = store.latestChangeMs(c);
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
      ...(next !== null
        ? { nextPageToken: encodePageToken({ calendar: c, position: next, snapshot, after, filters: fingerprint }) }
        : { nextSyncToken: encodeSyncToken({ epoch: store.tokenEpoch, calendar: c, seq: snapshot }) }),
      items,
    },
  };
}

interface PageResult {
  items: Record<string, unknown>[];
  /** The position to continue from, or null after the last page. */
  next: number | null;
}

/** Everything touched after the sync token's batch, deletions as cancelled events, in list order. */
function incrementalPage(store: CalendarStore, c: number, after: number, snapshot: number, start: number, maxResults: number): PageResult {
  const touched = store.touchedBetween(c, after, snapshot, start);
  const page = touched.slice(0, maxResults);
  const items = page.map((k) => (store.isDeleted(k) ? cancelledEvent(store, k) : event(store, k)));
  return { items, next: touched.length > maxResults ? store.positionOf(page.at(-1)!) + 1 : null };
}

function fullPage(store: CalendarStore, c: number, filters: EventFilters, start: number, maxResults: number): PageResult {
  const matches = (k: number): Record<string, unknown> | null => {
    if (store.isDeleted(k)) {
      // `updatedMin` always brings deletions since then, whatever showDeleted says.
      const reported = filters.showDeleted || (filters.updatedMin !== null && store.updatedMs(k) >= filters.updatedMin);
      return reported && passesTime(store, k, filters) ? cancelledEvent(store, k) : null;
    }
    if (filters.updatedMin !== null && store.updatedMs(k) < filters.updatedMin) return null;
    const item = event(store, k);
    if (!passesTime(store, k, filters, item)) return null;
    if (filters.iCalUID !== null && item['iCalUID'] !== filters.iCalUID) return null;
    if (filters.q !== null && !['summary', 'description', 'location'].some((f) => String(item[f] ?? '').toLowerCase().includes(filters.q!))) return null;
    return item;
  };

  // Every seeded event is older than the seed's end: past it, only touched events can match, so walk those.
  if (filters.updatedMin !== null && filters.updatedMin >= store.seedEndMs) {
    const touched = store.touchedBetween(c, -1, Number.MAX_SAFE_INTEGER, start);
    const items: Record<string, unknown>[] = [];
    let next: number | null = null;
    for (const k of touched) {
      if (items.length === maxResults) {
        next = store.positionOf(k);
        break;
      }
      const item = matches(k);
      if (item) items.push(item);
    }
    return { items, next };
  }

  const length = store.length(c);
  const budget = maxResults * scanBudgetFactor;
  const items: Record<string, unknown>[] = [];
  let m = start;
  for (let scanned = 0; m < length && items.length < maxResults && scanned < budget; m++, scanned++) {
    const item = matches(store.at(c, m));
    if (item) items.push(item);
  }
  return { items, next: m < length ? m : null };
}

/** `timeMin` bounds the end (exclusive), `timeMax` the start (exclusive), as the reference says. */
function passesTime(store: CalendarStore, k: number, filters: EventFilters, rendered?: Record<string, unknown>): boolean {
  if (filters.timeMin === null && filters.timeMax === null) return true;
  const item = rendered ?? event(store, k);
  const startMs = instant(item['start']);
  const endMs = instant(item['end']);
  if (filters.timeMin !== null && !(endMs > filters.timeMin)) return false;
  if (filters.timeMax !== null && !(startMs < filters.timeMax)) return false;
  return true;
}

function instant(value: unknown): number {
  const time = value as { dateTime?: string; date?: string } | undefined;
  return Date.parse(time?.dateTime ?? `${time?.date ?? ''}T00:00:00Z`);
}
