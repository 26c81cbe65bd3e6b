import type { IncrementalSpec, JsonRecord, PaginatorSpec, RecordSelectorSpec, RequesterSpec, StreamSpec } from '../declarative/stream-spec.js';
import { parseCursor, type CursorFormat } from './cursor-format.js';
import { jsonOf } from './request-body.js';
import { setAt } from '../declarative/json-path.js';
import { cutPage } from './simulated-page.js';
import type { RecordStore, StoreQuery, StoredRecord } from './record-store.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-http.js';
import type { SimulatorErrorCode } from './simulator-provider.js';

/**
 * One described stream served from its store: the routes its description implies (its list, a parent list for
 * partitions, a deletions endpoint), each answering what the reader of the same description expects.
 */

/** A route the simulator answers: method, a path pattern, and what to do with a match. */
export interface SimulatedRoute {
  method: string;
  pattern: RegExp;
  /** The path template it came from, to recognise two streams reading the same list. */
  template: string;
  serve(req: SandboxRequest, partition: string | undefined): SandboxResponse;
}

/** What a simulated stream needs from the simulator around it. */
export interface SimulatedStreamDeps {
  basePath: string;
  pageSize: { default: number; max: number; params: string[] };
  pageTokenParam: string;
  error(status: number, code: SimulatorErrorCode, message: string): SandboxResponse;
  envelope(page: { stream: string; req: SandboxRequest; last: boolean; total: number }): JsonRecord;
}

/** A list endpoint: which records it serves and how it pages them. */
interface ListEndpoint {
  requester: RequesterSpec;
  records: RecordSelectorSpec;
  paginator: PaginatorSpec;
  store: RecordStore;
  /** Turns a stored record into the record the provider sends. */
  view: (entry: StoredRecord) => JsonRecord;
  /** Deleted records only (a deletions endpoint). */
  deletionsOnly?: boolean;
}

/**
 * Routes for one stream (see the header above).
 *
 * @example
 * ```ts
 * const routes = simulatedStream('issues', spec, store, deps, { parentStore });
 * ```
 */
export function simulatedStream(
  name: string,
  spec: StreamSpec,
  store: RecordStore,
  deps: SimulatedStreamDeps,
  extra: { parentStore?: RecordStore; deletedView?: (entry: StoredRecord) => JsonRecord },
): SimulatedRoute[] {
  const routes: SimulatedRoute[] = [];
  const main: ListEndpoint = { requester: spec.requester, records: spec.records, paginator: spec.paginator, store, view: (e) => e.record };
  routes.push(route(main.requester, deps, (req, partition) => serveList(name, spec, main, req, partition, deps)));
  const parent = spec.partitions?.parent;
  if (parent && extra.parentStore) {
    const endpoint: ListEndpoint = { requester: parent.requester, records: parent.records, paginator: parent.paginator, store: extra.parentStore, view: (e) => e.record };
    routes.push(route(parent.requester, deps, (req) => serveList(`${name}:parents`, { ...spec, incremental: undefined, deletions: undefined }, endpoint, req, undefined, deps)));
  }
  const deletions = spec.deletions;
  if (deletions?.type === 'endpoint' && extra.deletedView) {
    const endpoint: ListEndpoint = {
      requester: deletions.requester,
      records: deletions.records,
      paginator: deletions.paginator,
      store,
      view: extra.deletedView,
      deletionsOnly: true,
    };
    routes.push(route(deletions.requester, deps, (req, partition) => serveList(`${name}:deletions`, spec, endpoint, req, partition, deps)));
  }
  return routes;
}

/** A path template as a pattern: `{{partition.<key>}}` is captured, other placeholders match one segment. */
function route(requester: RequesterSpec, deps: SimulatedStreamDeps, serve: SimulatedRoute['serve']): SimulatedRoute {
  const template = deps.basePath + requester.path.split('?')[0]!;
  let source = '';
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    source += escapeRegExp(template.slice(last, match.index)) + (match[1]!.startsWith('partition.') ? '([^/]+)' : '[^/]+');
    last = match.index + match[0].length;
  }
  source += escapeRegExp(template.slice(last));
  return { method: requester.method, pattern: new RegExp(`^${source}/?$`), template: `${requester.method} ${template}`, serve };
}

function serveList(name: string, spec: StreamSpec, endpoint: ListEndpoint, req: SandboxRequest, partition: string | undefined, deps: SimulatedStreamDeps): SandboxResponse {
  const body = req.method === 'POST' ? jsonOf(req) : undefined;
  const param = (key: string): string | undefined => {
    const fromQuery = req.url.searchParams.get(key);
    if (fromQuery !== null) return fromQuery;
    const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
    return value === undefined || value === null ? undefined : String(value);
  };
  const query: StoreQuery = { ...(partition === undefined ? {} : { partition: decodeURIComponent(partition) }) };
  const incremental = spec.incremental;
  let exportAt: 'first' | 'delta' | null = null;
  const tokenParam = incremental?.type === 'token' ? (incremental.param ?? (incremental.as === 'url' ? 'deltatoken' : 'sync_token')) : '';
  if (endpoint.deletionsOnly) {
    const since = deletionsSince(endpoint.requester, spec.incremental, param);
    if (since === 'invalid') return deps.error(400, 'bad_request', 'the deletions cursor is not a date');
    query.since = since;
    query.deleted = 'only';
  } else if (incremental?.type === 'datetime') {
    const since = datetimeSince(incremental, param);
    if (since === 'invalid') return deps.error(400, 'bad_request', `${incremental.send?.param ?? 'cursor'} is not a date the provider understands`);
    if (since !== null) {
      query.since = since;
      query.granularity = incremental.granularity;
      // An incremental read is where a provider reports deletions by flag.
      if (spec.deletions?.type === 'flag') query.deleted = 'include';
    }
  } else if (incremental?.type === 'token') {
    const token = param(tokenParam);
    if (token !== undefined && token !== '') {
      const after = endpoint.store.readExportToken(token);
      if (after === null) return expired(incremental, deps);
      query.afterSeq = after;
      if (spec.deletions?.type === 'flag') query.deleted = 'include';
      exportAt = 'delta';
    } else {
      exportAt = 'first';
    }
  }
  const items = endpoint.store.list(query);
  const cut = cutPage({
    req,
    items,
    paginator: endpoint.paginator,
    param,
    pageSize: deps.pageSize,
    pageTokenParam: deps.pageTokenParam,
    encodePosition: (seq) => endpoint.store.positionToken(seq),
    decodePosition: (token) => endpoint.store.readPosition(token),
  });
  if (!cut.ok) return deps.error(400, cut.code, cut.message);
  const records = cut.records.map(endpoint.view);
  const page: JsonRecord = { ...deps.envelope({ stream: name, req, last: cut.last, total: items.length }), ...cut.body };
  if (incremental?.type === 'token' && exportAt !== null && cut.last && !endpoint.deletionsOnly) {
    // The position arrives with the last page, as sync tokens and delta links do.
    const token = endpoint.store.exportToken();
    const value = incremental.as === 'url' ? `${req.origin}${req.url.pathname}?${new URLSearchParams({ [tokenParam]: token }).toString()}` : token;
    setAt(page, incremental.from, value);
  }
  const selectorPath = endpoint.records.path;
  const headers = { ...cut.headers };
  if (selectorPath === undefined) return { status: 200, headers, body: records };
  setAt(page, selectorPath, records);
  return { status: 200, headers, body: page };
}

/** The moment a datetime incremental request asks from, null when it asks for everything, or 'invalid'. */
function datetimeSince(incremental: Extract<IncrementalSpec, { type: 'datetime' }>, param: (k: string) => string | undefined): number | null | 'invalid' {
  const send = incremental.send;
  if (send === undefined) return null;
  const raw = param(send.param);
  if (raw === undefined || raw === '') return null;
  if ('expression' in send) {
    if (send.otherwise !== undefined && raw === send.otherwise) return null;
    const value = extractCursor(send.expression, raw);
    if (value === null) return 'invalid';
    return parseCursor(value, incremental.format) ?? 'invalid';
  }
  return parseCursor(raw, incremental.format) ?? 'invalid';
}

/** A deletions endpoint's `since`: the query parameter whose template holds `{{cursor}}`. */
function deletionsSince(requester: RequesterSpec, incremental: IncrementalSpec | undefined, param: (k: string) => string | undefined): number | null | 'invalid' {
  const format: CursorFormat = incremental?.type === 'datetime' ? incremental.format : 'iso';
  for (const [key, template] of Object.entries(requester.query)) {
    if (typeof template !== 'string' || !/\{\{\s*cursor\s*\}\}/.test(template)) continue;
    const raw = param(key);
    if (raw === undefined || raw === '') return null;
    const value = extractCursor(template, raw);
    return value === null ? 'invalid' : (parseCursor(value, format) ?? 'invalid');
  }
  return null;
}

/** The text `{{cursor}}` stands for in a filled-in expression (`updated >= "2024-05-01 12:00"` → the date). */
function extractCursor(expression: string, filled: string): string | null {
  let source = '';
  let last = 0;
  let captured = false;
  for (const match of expression.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    source += escapeRegExp(expression.slice(last, match.index));
    source += match[1] === 'cursor' && !captured ? '(.+?)' : '.*?';
    if (match[1] === 'cursor') captured = true;
    last = match.index + match[0].length;
  }
  source += escapeRegExp(expression.slice(last));
  const found = new RegExp(`^${source}$`, 's').exec(filled);
  return found?.[1] ?? null;
}

/** The answer to a forgotten position, as the description's first `expired` rule recognises it. */
function expired(incremental: Extract<IncrementalSpec, { type: 'token' }>, deps: SimulatedStreamDeps): SandboxResponse {
  const rule = incremental.expired[0];
  const response = deps.error(rule?.status ?? 410, 'expired', 'the sync position is no longer valid; read everything again');
  if (rule?.body && response.body !== null && typeof response.body === 'object') {
    const value = rule.body.equals ?? rule.body.in?.[0] ?? true;
    setAt(response.body as JsonRecord, rule.body.path, value);
  }
  return response;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
