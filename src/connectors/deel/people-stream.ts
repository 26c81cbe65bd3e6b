import { type HttpResponse, paginateCursor, type StreamReader, type StreamState } from '../kit/index.js';
import { dataOf, earlier, isObject, later, pageSize, timeOf, type DeelObject, type OffsetEnvelope } from './stream-support.js';

/**
 * `people`: `GET /people?offset=&limit=99&sort_by=id&sort_order=asc`.
 *
 * Deel's people list has no `updated_at` filter and cannot be sorted by it (its `sort_by` values are id, names,
 * email, country, dates of birth, start and completion, team, job title, hiring status…), so an incremental read
 * still walks the whole list and keeps, client-side, the people whose `updated_at` is after the cursor. What
 * incremental mode buys is fewer writes and no deletion sweep, not fewer requests. Sorting by `id` keeps the
 * offset order stable while the list is walked.
 *
 * The next cursor is the latest `updated_at` seen anywhere in the list — but never later than the moment the
 * walk began (the first response's `Date`, less a second): a person updated during the walk on a page already
 * read has a newer `updated_at` than that, so the next read picks it up even if a later page showed a newer one.
 *
 * State:
 * ```
 * { cursor: "<updated_at>" | null,
 *   pass?: { offset: n, started_at: "<iso>", max_seen: "<iso>" | null } }   // only while a walk is unfinished
 * ```
 * A checkpoint follows every page; a resumed walk continues at `offset`. A state holding only `cursor` (set by
 * hand) starts a walk from there.
 */
interface Pass {
  offset: number;
  startedAt: string | null;
  maxSeen: string | null;
}

interface PeopleState {
  cursor: string | null;
  pass: Pass | null;
}

function readState(state: StreamState | null): PeopleState {
  const cursor = typeof state?.['cursor'] === 'string' ? state['cursor'] : null;
  const raw = state?.['pass'];
  if (!isObject(raw)) return { cursor, pass: null };
  const offset = typeof raw['offset'] === 'number' && Number.isSafeInteger(raw['offset']) && raw['offset'] >= 0 ? raw['offset'] : 0;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { cursor, pass: { offset, startedAt: text(raw['started_at']), maxSeen: text(raw['max_seen']) } };
}

function snapshot(cursor: string | null, pass: Pass | null): StreamState {
  if (!pass) return { cursor };
  return { cursor, pass: { offset: pass.offset, started_at: pass.startedAt, max_seen: pass.maxSeen } };
}

/** The offset this response's request asked for (Deel echoes it in `page.offset`, but the request is certain). */
function offsetOf(response: HttpResponse<unknown>): number {
  const asked = Number(new URL(response.url).searchParams.get('offset') ?? '0');
  return Number.isSafeInteger(asked) && asked >= 0 ? asked : 0;
}

/** Where the next page starts, or null: stop at an empty page or once `total_rows` is reached. */
function nextOffset(response: HttpResponse<OffsetEnvelope>): string | null {
  const count = dataOf(response.body).length;
  if (count === 0) return null;
  const next = offsetOf(response) + count;
  const total = response.body?.page?.total_rows;
  if (typeof total === 'number' && next >= total) return null;
  return String(next);
}

/** The provider's clock at the response, less a second for its rounding; our own clock when it sends no Date. */
function walkStart(response: HttpResponse<unknown>): string {
  const sent = Date.parse(response.headers['date'] ?? '');
  return new Date((Number.isNaN(sent) ? Date.now() : sent) - 1000).toISOString();
}

function changedSince(person: DeelObject, threshold: string | null): boolean {
  if (threshold === null) return true;
  const at = timeOf(person['updated_at'] ?? person['created_at']);
  // Without a timestamp there is no telling whether it changed: keep it (an unchanged one costs no write).
  return Number.isNaN(at) || at > timeOf(threshold);
}

export const readPeople: StreamReader = async function* (ctx) {
  const previous = readState(ctx.state);
  const full = ctx.mode === 'full_refresh';
  const threshold = full ? null : previous.cursor;
  const base = full ? null : previous.cursor;
  const pass: Pass = previous.pass && !full ? { ...previous.pass } : { offset: 0, startedAt: null, maxSeen: null };
  ctx.log('debug', 'people walk', { full, cursor: threshold, resume_offset: pass.offset });

  const pages = paginateCursor<OffsetEnvelope>(
    ctx.http,
    { url: '/people', query: { offset: 0, limit: pageSize, sort_by: 'id', sort_order: 'asc' }, signal: ctx.signal },
    { cursorParam: 'offset', nextCursor: nextOffset, ...(pass.offset > 0 ? { start: String(pass.offset) } : {}) },
  );
  for await (const page of pages) {
    pass.startedAt ??= walkStart(page.response);
    const people = dataOf(page.response.body);
    for (const person of people) pass.maxSeen = later(pass.maxSeen, typeof person['updated_at'] === 'string' ? person['updated_at'] : null);
    const records = people.filter((person) => changedSince(person, threshold));
    if (records.length > 0) yield { type: 'records', records };
    if (page.next !== null) {
      pass.offset = Number(page.next);
      yield { type: 'state', state: snapshot(base, pass) };
    }
  }
  yield { type: 'state', state: snapshot(later(base, earlier(pass.maxSeen, pass.startedAt)), null) };
};
