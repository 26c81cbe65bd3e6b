import { HttpError, isObject, type HttpClient, type HttpResponse } from '../../../http-client/index.js';
import type { StreamContext, StreamMessage, StreamState } from '../../../contracts/connector-kit.js';
import { holds } from './condition.js';
import { clientOf, statusError } from './error-rules.js';
import { cursorMs, earlierCursor, floorTo, formatCursor, laterCursor } from './cursor-time.js';
import { fillRequester, fillTemplate, type TemplateValues } from './fill-template.js';
import { valueAt } from './json-path.js';
import type { LenientState } from './lenient-state.js';
import { recordId, shapeRecords } from './record-shaping.js';
import type { DescribedRequest, IncrementalSpec, JsonRecord, PaginatorSpec, StreamSpec } from './stream-spec.js';
import { walkPages } from './walk-pages.js';

/**
 * Reading one part of a described stream (the whole stream, or one partition of it) from its state: a plain walk,
 * a walk after a datetime cursor, or a walk from a provider's token. It yields records, deletions, restarts and
 * checkpoints of the part's own state; the partition router wraps them.
 *
 * A full run starts with no state and a resumed one with its own last checkpoint, so the mode needs no reading
 * here: what the state holds is where to go on from.
 */

type Cursor = string | number;
type Datetime = Extract<IncrementalSpec, { type: 'datetime' }>;
type Token = Extract<IncrementalSpec, { type: 'token' }>;

export interface PartInput {
  spec: StreamSpec;
  ctx: StreamContext;
  http: HttpClient;
  state: LenientState;
  partition: Record<string, unknown> | null;
}

/** The state key a paginator saves its position under, or null when a walk cannot stop half way. */
export function resumeKey(paginator: PaginatorSpec): string | null {
  return paginator.type === 'keyset' || paginator.type === 'none' ? null : paginator.resume_key;
}

function positionIn(state: LenientState | null, key: string | null): Cursor | null {
  if (state === null || key === null) return null;
  return state.text(key) ?? state.count(key);
}

function cursorValue(value: unknown): Cursor | null {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
}

function buildRequest(input: PartInput, cursor: string | null, extraQuery: Record<string, string | number | boolean> = {}): DescribedRequest {
  const { spec, ctx } = input;
  const values: TemplateValues = { config: ctx.config, partition: input.partition, cursor };
  const request = fillRequester(spec.requester, values, extraQuery);
  return spec.hooks.request ? spec.hooks.request(request, ctx) : request;
}

/** The datetime cursor as the provider's filter takes it: less the lookback, rounded down, formatted. */
function sentCursor(incremental: Datetime, cursor: Cursor | null): string | null {
  const ms = cursorMs(cursor);
  if (cursor === null || Number.isNaN(ms)) return null;
  return formatCursor(floorTo(ms - incremental.lookback_seconds * 1000, incremental.granularity), incremental.format);
}

/** The query that asks the provider for what changed since the cursor. */
function sinceQuery(incremental: Datetime, sent: string | null, config: Record<string, unknown>): Record<string, string> {
  const send = incremental.send;
  if (send === undefined) return {};
  if (!('expression' in send)) return sent === null ? {} : { [send.param]: sent };
  if (sent === null) return send.otherwise === undefined ? {} : { [send.param]: fillTemplate(send.otherwise, { config }) };
  return { [send.param]: fillTemplate(send.expression, { config, cursor: sent }) };
}

function* emit(items: JsonRecord[], input: PartInput): Generator<StreamMessage> {
  const { live, deleted } = shapeRecords(items, input.spec, input.ctx);
  if (live.length > 0) yield { type: 'records', records: live };
  if (deleted.length > 0) yield { type: 'deletes', ids: deleted };
}

/** The provider's clock at the response, less a second for its rounding; ours when it sends no Date. */
function walkStart(response: HttpResponse<unknown>): string {
  const sent = Date.parse(response.headers['date'] ?? '');
  return new Date((Number.isNaN(sent) ? Date.now() : sent) - 1000).toISOString();
}

async function* plainWalk(input: PartInput): AsyncGenerator<StreamMessage> {
  const key = resumeKey(input.spec.paginator);
  const pages = walkPages({ ...walkBase(input), request: buildRequest(input, null), resume: positionIn(input.state, key) });
  for await (const page of pages) {
    yield* emit(page.items, input);
    yield { type: 'state', state: page.next === null || key === null ? {} : { [key]: page.next } };
  }
}

function walkBase(input: PartInput) {
  return { http: input.http, ctx: input.ctx, paginator: input.spec.paginator, records: input.spec.records, hooks: input.spec.hooks };
}

/** Deletions listed by their own endpoint since the cursor, read before the changes so none is lost to a crash. */
async function* deletedSince(input: PartInput, sent: string): AsyncGenerator<StreamMessage> {
  const deletions = input.spec.deletions;
  if (deletions?.type !== 'endpoint') return;
  const values: TemplateValues = { config: input.ctx.config, partition: input.partition, cursor: sent };
  const request = fillRequester(deletions.requester, values);
  const pages = walkPages({ http: input.http, ctx: input.ctx, paginator: deletions.paginator, records: deletions.records, hooks: {}, request, resume: null });
  for await (const page of pages) {
    const ids = page.items.map((item) => valueAt(item, deletions.id)).filter((id) => typeof id === 'string' || typeof id === 'number').map(String);
    if (ids.length > 0) yield { type: 'deletes', ids };
  }
}

/**
 * A provider that returns what changed since the cursor, oldest first: the cursor moves after every page, with
 * the ids read at exactly the cursor's instant, so a resumed or next read drops what it has already read
 * (`{ cursor, seen }`). Keyset paging asks again from the moved cursor instead of following a token; with a page
 * size it ends at a short page, and with a page parameter it steps through an instant that fills whole pages
 * (`{ cursor, seen, page }` while it does), since asking again from an unmoved cursor would bring the same page.
 */
async function* sortedWalk(input: PartInput, incremental: Datetime): AsyncGenerator<StreamMessage> {
  const keyset = input.spec.paginator.type === 'keyset' ? input.spec.paginator : null;
  let cursor = cursorValue(input.state.raw['cursor']);
  let seen = new Set(input.state.texts('seen'));
  let page = keyset?.page_param === undefined ? null : input.state.count('page');
  const start = sentCursor(incremental, cursor);
  if (start !== null) yield* deletedSince(input, start);
  const request = () => {
    const sent = sentCursor(incremental, cursor);
    const paged = keyset?.page_param !== undefined && page !== null && page > 1 ? { [keyset.page_param]: page } : {};
    return buildRequest(input, sent, { ...sinceQuery(incremental, sent, input.ctx.config), ...paged });
  };
  let more = false;
  const take = (items: JsonRecord[]): JsonRecord[] => {
    const kept: JsonRecord[] = [];
    let moved = false;
    for (const item of items) {
      const value = cursorValue(valueAt(item, incremental.field));
      const at = cursorMs(value);
      const id = recordId(item, input.ctx) ?? '';
      if (value === null || Number.isNaN(at)) {
        kept.push(item);
        continue;
      }
      const current = cursorMs(cursor);
      if (!Number.isNaN(current) && (at < current || (at === current && seen.has(id)))) continue;
      kept.push(item);
      if (Number.isNaN(current) || at > current) {
        cursor = value;
        seen = new Set([id]);
        moved = true;
      } else seen.add(id);
    }
    const full = keyset?.size === undefined || items.length >= keyset.size;
    if (keyset?.page_param !== undefined && full && !moved && items.length > 0) {
      page = (page ?? 1) + 1;
      more = true;
    } else {
      page = null;
      more = kept.length > 0 && full;
    }
    return kept;
  };
  const pages = walkPages({ ...walkBase(input), request: request(), resume: null, keysetNext: () => (more ? request() : null) });
  for await (const walked of pages) {
    yield* emit(take(walked.items), input);
    yield { type: 'state', state: { cursor, seen: [...seen], ...(page === null ? {} : { page }) } };
  }
}

/**
 * A provider that returns records in another order, or cannot filter by the cursor at all: the whole walk is read
 * (filtered here when the provider cannot), and the cursor moves at its end to the latest change seen — never
 * later than the moment the walk began, so a record changed behind the walk is read next time. A checkpoint after
 * every page keeps the position: `{ cursor, pass: { <position>, started_at, max_seen } }`.
 */
async function* passWalk(input: PartInput, incremental: Datetime): AsyncGenerator<StreamMessage> {
  const base = cursorValue(input.state.raw['cursor']);
  const sent = sentCursor(incremental, base);
  const threshold = cursorMs(sent === null ? null : sent) ;
  const key = resumeKey(input.spec.paginator) ?? 'position';
  const saved = input.state.object('pass');
  let startedAt = saved?.text('started_at') ?? null;
  let maxSeen: Cursor | null = cursorValue(saved?.raw['max_seen']);
  if (saved === null && sent !== null) yield* deletedSince(input, sent);
  const pages = walkPages({ ...walkBase(input), request: buildRequest(input, sent, sinceQuery(incremental, sent, input.ctx.config)), resume: positionIn(saved, key) });
  for await (const page of pages) {
    startedAt ??= walkStart(page.response);
    const kept: JsonRecord[] = [];
    for (const item of page.items) {
      const value = cursorValue(valueAt(item, incremental.field));
      if (value !== null) maxSeen = laterCursor(maxSeen, value);
      const at = cursorMs(value);
      // Without a timestamp there is no telling whether it changed: keep it (an unchanged one costs no write).
      if (Number.isNaN(threshold) || Number.isNaN(at) || at > threshold) kept.push(item);
    }
    yield* emit(kept, input);
    if (page.next !== null) yield { type: 'state', state: { cursor: base, pass: { [key]: page.next, started_at: startedAt, max_seen: maxSeen } } };
  }
  yield { type: 'state', state: { cursor: laterCursor<Cursor>(base, earlierCursor<Cursor>(maxSeen, startedAt)) } };
}

/**
 * The provider's position in a page: a non-empty string, or a finite number (an export's `end_time`, a change
 * counter) kept as its decimal text, so the state holds one type whatever the provider sends and a query parameter
 * carries it unchanged.
 */
function tokenAt(body: unknown, path: Token['from']): string | null {
  const found = valueAt(body, path);
  if (typeof found === 'string') return found === '' ? null : found;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return null;
}

/** Thrown inside a token walk when the provider says it no longer knows the position. */
class TokenExpired extends Error {}

function expiryAware(http: HttpClient, incremental: Token, config: Record<string, unknown>): HttpClient {
  if (incremental.expired.length === 0) return http;
  const statuses = incremental.expired.map((rule) => rule.status);
  const request = async <T>(req: Parameters<HttpClient['request']>[0]): Promise<HttpResponse<T>> => {
    const response = await http.request<T>({ ...req, acceptStatus: [...(req.acceptStatus ?? []), ...statuses] });
    if (incremental.expired.some((rule) => rule.status === response.status && (rule.body === undefined || holds(rule.body, response.body, config)))) throw new TokenExpired();
    if ((response.status < 200 || response.status > 299) && !(req.acceptStatus ?? []).includes(response.status)) throw statusError(response);
    return response;
  };
  return clientOf(request);
}

/**
 * A provider that hands out its own position (a sync token, a delta link, an export cursor): saved as
 * `{ <state_key>: token }` whenever a page carries one, or with the page position (`pass`) while it does not. A
 * position the provider forgot (its token, or the saved page of an unfinished walk) starts the stream again from
 * nothing, announced as a restart.
 */
async function* tokenWalk(input: PartInput, incremental: Token): AsyncGenerator<StreamMessage> {
  const stateKey = incremental.state_key;
  let token = input.state.text(stateKey);
  const hand = token === null ? cursorValue(input.state.raw['cursor']) : null;
  let saved = input.state.object('pass');
  const key = resumeKey(input.spec.paginator) ?? 'position';
  const http = expiryAware(input.http, incremental, input.ctx.config);
  for (let restarted = false; ; restarted = true) {
    let request: DescribedRequest;
    if (token !== null && incremental.as === 'url') request = { ...buildRequest(input, null), path: token, query: {} };
    else if (token !== null) request = buildRequest(input, null, { [incremental.param ?? stateKey]: token });
    else {
      const handMs = cursorMs(hand);
      const cursor = restarted || Number.isNaN(handMs) ? null : formatCursor(handMs, incremental.cursor_format);
      request = buildRequest(input, cursor, incremental.initial);
    }
    const current = token;
    const resuming = saved !== null;
    try {
      let last: StreamState | null = null;
      const pages = walkPages({ ...walkBase(input), http, request, resume: positionIn(saved, key) });
      for await (const page of pages) {
        yield* emit(page.items, input);
        const found = tokenAt(page.response.body, incremental.from);
        if (found !== null) {
          token = found;
          last = { [stateKey]: found };
          yield { type: 'state', state: last };
          if (incremental.stop_at_token) break;
        } else if (page.next !== null) {
          last = { ...(current === null ? {} : { [stateKey]: current }), pass: { [key]: page.next } };
          yield { type: 'state', state: last };
        }
      }
      if (last === null || isObject(last['pass'])) yield { type: 'state', state: token === null ? {} : { [stateKey]: token } };
      return;
    } catch (error) {
      if (!(error instanceof TokenExpired)) throw error;
      // Only a fresh read refused as expired is a failure (reading again would loop); a saved position, a token or
      // a page of an unfinished walk, the provider may forget.
      if (restarted || (current === null && !resuming)) {
        throw new HttpError({ kind: 'provider', code: 'http_status', message: 'http_status: the provider refused a fresh read as if its position had expired' });
      }
      input.ctx.log('info', 'the provider no longer knows the saved position: reading the stream again from the start');
      yield { type: 'restart' };
      token = null;
      saved = null;
    }
  }
}

export async function* readPart(input: PartInput): AsyncGenerator<StreamMessage> {
  const incremental = input.spec.incremental;
  if (incremental === undefined) yield* plainWalk(input);
  else if (incremental.type === 'token') yield* tokenWalk(input, incremental);
  else if (incremental.sorted && incremental.send !== undefined) yield* sortedWalk(input, incremental);
  else yield* passWalk(input, incremental);
}
