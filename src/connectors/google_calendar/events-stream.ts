import {
  HttpError,
  lenientState,
  type LenientState,
  type QueryValue,
  type StreamContext,
  type StreamMessage,
  type StreamReader,
  type StreamState,
} from '../kit/index.js';
import { calendarsToRead } from './calendars-stream.js';
import { errorReason, eventPageSize, eventsPath, isObject, type GoogleList, type GoogleObject } from './stream-support.js';

/**
 * `events`: `GET /calendar/v3/calendars/{calendarId}/events` for each calendar, the way Google's sync guide
 * describes. A first (or full) read lists everything with `showDeleted=true`; its last page carries a
 * `nextSyncToken`, kept per calendar. The next read sends `syncToken` and gets exactly what changed since,
 * deletions included as `status: "cancelled"` events, which become deletions here (`calendarId:eventId`).
 * A cancelled *instance* of a recurring series (it has `recurringEventId`) is an exception Google asks
 * clients to keep, so it stays a record with its status.
 *
 * A token Google no longer honours answers 410 Gone (`fullSyncRequired`): that calendar alone is listed again
 * in full, with `showDeleted=true`, so deletions Google still remembers arrive as deletions; anything it has
 * forgotten meanwhile waits for the next full refresh (which soft-deletes what it no longer sees).
 *
 * State:
 * ```
 * {
 *   calendars: { "<calendarId>": { sync_token: "…" } },
 *   cursor: "<latest updated seen>" | null,        // informational, or set by hand (see below)
 *   pass?: { full, pending: [calendarIds], page_token?, query?: { sync_token? | updated_min? } }
 * }
 * ```
 * A checkpoint follows every page, so a resume re-reads at most one page: the page token is only valid with
 * the same query, so the query is saved with it. A state holding only `cursor` (set by hand through the API)
 * lists every calendar with `updatedMin=<cursor>`, which Google answers with changes since then and a sync
 * token for next time.
 */
interface CalendarPosition {
  sync_token: string;
}

/** The query of the page being read: the page token only works with the query that produced it. */
interface PassQuery {
  sync_token?: string;
  updated_min?: string;
}

interface Pass {
  full: boolean;
  pending: string[];
  /** A hand-set cursor, for every pending calendar without a sync token. */
  updated_min?: string;
  page_token?: string;
  query?: PassQuery;
}

interface EventsState {
  calendars: Record<string, CalendarPosition>;
  cursor: string | null;
  pass?: Pass;
}

function readQuery(saved: LenientState | null): PassQuery | undefined {
  if (saved === null) return undefined;
  const syncToken = saved.text('sync_token');
  if (syncToken !== null) return { sync_token: syncToken };
  const updatedMin = saved.text('updated_min');
  return updatedMin === null ? {} : { updated_min: updatedMin };
}

function readState(state: StreamState | null): EventsState {
  const saved = lenientState(state);
  const calendars: Record<string, CalendarPosition> = {};
  for (const [id, entry] of saved.entries('calendars')) {
    const syncToken = entry.text('sync_token');
    if (syncToken !== null) calendars[id] = { sync_token: syncToken };
  }
  const cursor = saved.text('cursor');
  const raw = saved.object('pass');
  if (raw === null) return { calendars, cursor };
  const query = readQuery(raw.object('query'));
  const updatedMin = raw.text('updated_min');
  const pageToken = raw.text('page_token');
  return {
    calendars,
    cursor,
    pass: {
      full: raw.flag('full') === true,
      pending: raw.texts('pending'),
      ...(updatedMin === null ? {} : { updated_min: updatedMin }),
      ...(pageToken === null ? {} : { page_token: pageToken }),
      ...(query ? { query } : {}),
    },
  };
}

export const readEvents: StreamReader = async function* (ctx) {
  const previous = readState(ctx.state);
  const full = ctx.mode === 'full_refresh';
  let state: EventsState;
  if (previous.pass && (!full || previous.pass.full)) {
    state = previous;
  } else {
    const ids = await calendarsToRead(ctx);
    // A cursor without any calendar token was set by hand: it applies to every calendar.
    const handSet = !full && Object.keys(previous.calendars).length === 0 ? previous.cursor : null;
    const calendars: Record<string, CalendarPosition> = {};
    if (!full) for (const id of ids) if (previous.calendars[id]) calendars[id] = previous.calendars[id];
    state = {
      calendars,
      cursor: full ? null : previous.cursor,
      pass: { full, pending: ids, ...(handSet === null ? {} : { updated_min: handSet }) },
    };
  }
  ctx.log('debug', 'events pass', { full: state.pass?.full, calendars: state.pass?.pending.length });
  while (state.pass && state.pass.pending.length > 0) {
    yield* readCalendar(ctx, state.pass.pending[0]!, state);
  }
  delete state.pass;
  yield { type: 'state', state: snapshot(state) };
};

/** Reads one calendar to its last page, which brings its next sync token. */
async function* readCalendar(ctx: StreamContext, calendarId: string, state: EventsState): AsyncGenerator<StreamMessage> {
  const pass = state.pass!;
  let query: PassQuery =
    pass.query ??
    (state.calendars[calendarId] && !pass.full
      ? { sync_token: state.calendars[calendarId].sync_token }
      : pass.updated_min !== undefined
        ? { updated_min: pass.updated_min }
        : {});
  let pageToken = pass.page_token;
  for (;;) {
    const params: Record<string, QueryValue> = { maxResults: eventPageSize, showDeleted: true, pageToken };
    if (query.sync_token !== undefined) params['syncToken'] = query.sync_token;
    if (query.updated_min !== undefined) params['updatedMin'] = query.updated_min;
    const response = await ctx.http.get<GoogleList>(eventsPath(calendarId), params, { signal: ctx.signal, acceptStatus: [404, 410] });

    if (response.status === 410) {
      if (query.sync_token === undefined && query.updated_min === undefined) throw goneWithoutToken(response.body);
      // The token (or a hand-set cursor too far back) is no longer honoured: list this calendar again in full.
      ctx.log('warn', 'sync token expired (410 Gone): listing this calendar in full', { calendar: calendarId, reason: errorReason(response.body) });
      delete state.calendars[calendarId];
      query = {};
      pageToken = undefined;
      continue;
    }
    if (response.status === 404) {
      // Removed from the list, or unshared, since the pass started: nothing left to read there.
      ctx.log('warn', 'calendar not found, skipping it', { calendar: calendarId });
      finishCalendar(state, calendarId, null);
      yield { type: 'state', state: snapshot(state) };
      return;
    }

    const items = (response.body.items ?? []).filter(isObject);
    const records: GoogleObject[] = [];
    const deleted: string[] = [];
    for (const item of items) {
      if (typeof item['id'] !== 'string') continue;
      if (item['status'] === 'cancelled' && typeof item['recurringEventId'] !== 'string') deleted.push(`${calendarId}:${item['id']}`);
      else records.push({ ...item, calendar_id: calendarId });
      if (typeof item['updated'] === 'string' && (state.cursor === null || item['updated'] > state.cursor)) state.cursor = item['updated'];
    }
    if (records.length > 0) yield { type: 'records', records };
    if (deleted.length > 0) yield { type: 'deletes', ids: deleted };

    const next = response.body.nextPageToken;
    if (typeof next === 'string' && next !== '') {
      pass.page_token = next;
      pass.query = query;
      pageToken = next;
      yield { type: 'state', state: snapshot(state) };
      continue;
    }
    finishCalendar(state, calendarId, typeof response.body.nextSyncToken === 'string' ? response.body.nextSyncToken : null);
    yield { type: 'state', state: snapshot(state) };
    return;
  }
}

function finishCalendar(state: EventsState, calendarId: string, syncToken: string | null): void {
  const pass = state.pass!;
  if (syncToken === null) delete state.calendars[calendarId];
  else state.calendars[calendarId] = { sync_token: syncToken };
  pass.pending = pass.pending.filter((id) => id !== calendarId);
  delete pass.page_token;
  delete pass.query;
}

function goneWithoutToken(body: unknown): Error {
  const snippet = JSON.stringify(body).slice(0, 300);
  return new HttpError({ kind: 'provider', code: 'http_status', status: 410, message: `http_status: events.list answered 410 Gone without a sync token: ${snippet}` });
}

function snapshot(state: EventsState): StreamState {
  return JSON.parse(JSON.stringify(state)) as StreamState;
}
