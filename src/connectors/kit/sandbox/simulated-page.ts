import type { Condition, JsonRecord, PaginatorSpec } from '../declarative/stream-spec.js';
import { holds as conditionHolds } from '../declarative/condition.js';
import { setAt } from '../declarative/json-path.js';
import type { StoredRecord } from './record-store.js';
import { lowerBound } from './sequences.js';
import type { SandboxRequest } from './sandbox-http.js';

/**
 * One page of a list, cut the way a stream's paginator reads it, from the reverse side: the simulator emits the
 * next-page token at the described path, a Link header or a next URL, and honours offset, limit and page
 * parameters. Positions are page tokens naming the change sequence of the last record served, so a record that
 * changes during a walk is never skipped (it moves to the end and is served again there).
 */

/** What a page cut needs besides the records. */
export interface PageCutInput {
  req: SandboxRequest;
  items: StoredRecord[];
  paginator: PaginatorSpec;
  /** Reads a parameter from the query or the JSON body. */
  param: (name: string) => string | undefined;
  pageSize: { default: number; max: number; params: string[] };
  /** The query parameter next URLs and Link headers carry the position in. */
  pageTokenParam: string;
  encodePosition: (seq: number) => string;
  decodePosition: (token: string) => number | null;
}

/** A page: its records, whether it is the last, the paging fields of its body, its headers; or a refusal. */
export type PageCut =
  | { ok: true; records: StoredRecord[]; last: boolean; body: JsonRecord; headers: Record<string, string> }
  | { ok: false; code: 'bad_request' | 'invalid_cursor'; message: string };

/**
 * Cuts the page a request asks for out of `items` (already filtered and in change order).
 *
 * @example
 * ```ts
 * const cut = cutPage({ req, items: store.list({ since }), paginator: spec.paginator, param, pageSize, pageTokenParam: 'page_token', encodePosition, decodePosition });
 * ```
 */
export function cutPage(input: PageCutInput): PageCut {
  const { paginator, items } = input;
  const body: JsonRecord = {};
  const headers: Record<string, string> = {};
  switch (paginator.type) {
    case 'none':
      return { ok: true, records: items, last: true, body, headers };
    case 'keyset': {
      const size = sizeOf(input);
      if (typeof size === 'string') return refuse(size);
      return { ok: true, records: items.slice(0, size), last: items.length <= size, body, headers };
    }
    case 'offset': {
      const offset = integerParam(input.param(paginator.offset_param), 0);
      const limit = integerParam(input.param(paginator.limit_param), paginator.limit);
      if (offset === null || limit === null || limit < 1) return refuse(`${paginator.offset_param} and ${paginator.limit_param} must be whole numbers`);
      const size = Math.min(limit, input.pageSize.max);
      const last = offset + size >= items.length;
      if (paginator.total !== undefined) setAt(body, paginator.total, items.length);
      if (paginator.stop_when) satisfy(body, paginator.stop_when, last);
      return { ok: true, records: items.slice(offset, offset + size), last, body, headers };
    }
    case 'page': {
      const page = integerParam(input.param(paginator.page_param), paginator.first_page);
      const asked = paginator.size_param === undefined ? undefined : input.param(paginator.size_param);
      const size = asked === undefined ? (paginator.size ?? input.pageSize.default) : integerParam(asked, 0);
      if (page === null || page < paginator.first_page || size === null || size < 1) {
        return refuse(`${paginator.page_param} must be a page number from ${paginator.first_page}`);
      }
      const bounded = Math.min(size, input.pageSize.max);
      const start = (page - paginator.first_page) * bounded;
      const last = start + bounded >= items.length;
      if (paginator.has_more) satisfy(body, paginator.has_more, !last);
      return { ok: true, records: items.slice(start, start + bounded), last, body, headers };
    }
    default:
      return cutByPosition(input, paginator, body, headers);
  }
}

/** `cursor`, `next_url` and `link_header`: a position token after the last record served. */
function cutByPosition(
  input: PageCutInput,
  paginator: Extract<PaginatorSpec, { type: 'cursor' | 'next_url' | 'link_header' }>,
  body: JsonRecord,
  headers: Record<string, string>,
): PageCut {
  const size = sizeOf(input);
  if (typeof size === 'string') return refuse(size);
  const tokenParam = paginator.type === 'cursor' ? paginator.param : input.pageTokenParam;
  const token = input.param(tokenParam);
  let items = input.items;
  if (token !== undefined && token !== '') {
    const after = input.decodePosition(token);
    if (after === null) return { ok: false, code: 'invalid_cursor', message: `${tokenParam} is not a valid position` };
    // Items are in change order: the page starts after the first item past the position.
    items = items.slice(lowerBound(0, items.length, (i) => items[i]!.seq > after));
  }
  const records = items.slice(0, size);
  const last = items.length <= size;
  const next = last ? null : input.encodePosition(records.at(-1)!.seq);
  if (paginator.type === 'cursor') {
    setAt(body, paginator.next, next);
    if (paginator.stop_when) satisfy(body, paginator.stop_when, last);
  } else if (next !== null) {
    const url = new URL(input.req.url.pathname + input.req.url.search, input.req.origin);
    url.searchParams.set(input.pageTokenParam, next);
    if (paginator.type === 'next_url') setAt(body, paginator.next, url.toString());
    else headers['link'] = `<${url.toString()}>; rel="next"`;
  }
  return { ok: true, records, last, body, headers };
}

function sizeOf(input: PageCutInput): number | string {
  for (const name of input.pageSize.params) {
    const value = input.param(name);
    if (value === undefined) continue;
    const size = integerParam(value, input.pageSize.default);
    if (size === null || size < 1) return `${name} must be a positive whole number`;
    return Math.min(size, input.pageSize.max);
  }
  return input.pageSize.default;
}

function integerParam(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value === '') return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}

function refuse(message: string): PageCut {
  return { ok: false, code: 'bad_request', message };
}

/**
 * Writes into `body` a value for which `condition` holds (or, `holds: false`, does not): how the simulator says
 * `has_more: false` on a last page, or `isLast: true`, in whatever words the description uses.
 *
 * @example
 * ```ts
 * satisfy(body, { path: 'has_more', equals: false }, last); // has_more: false on the last page, true before
 * ```
 */
export function satisfy(body: JsonRecord, condition: Condition, holds: boolean): void {
  // A value that already makes it hold stays (a filter `exists: true` keeps the record's own value).
  if (holds && conditionHolds(condition, body)) return;
  const value = holds ? holdingValue(condition) : failingValue(condition);
  if (value === undefined) return;
  setAt(body, condition.path, value);
}

function holdingValue(condition: Condition): unknown {
  if (condition.equals !== undefined) return condition.equals;
  if (condition.in !== undefined && condition.in.length > 0) return condition.in[0];
  if (condition.not_equals !== undefined) return typeof condition.not_equals === 'boolean' ? !condition.not_equals : null;
  if (condition.exists === false) return undefined;
  return true;
}

function failingValue(condition: Condition): unknown {
  if (condition.equals !== undefined) return typeof condition.equals === 'boolean' ? !condition.equals : null;
  if (condition.not_equals !== undefined) return condition.not_equals;
  if (condition.exists === true) return undefined;
  return condition.in !== undefined ? null : false;
}
