import { throwIfAborted } from './abort-error.js';
import { HttpError, redactUrl } from './http-error.js';
import type { HttpClient, HttpRequest, HttpResponse, Page, QueryValue } from './http-types.js';
import { parseLinkHeader } from './link-header.js';

/**
 * Async generators over a provider's pages. Each yields `{ response, next }`, where `next` is exactly what
 * to pass back as `start` (or `startUrl`) to resume after that page, so a stream can checkpoint it as state.
 * Pages are fetched only when the consumer asks for the next one: memory stays at one page.
 */

type NextValue = string | number | null | undefined;

function normalizeNext(value: NextValue): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** A provider repeating its own cursor would otherwise make the generator loop forever. */
function assertProgress(previous: string | null, next: string | null, url: string): void {
  if (next !== null && next === previous) {
    throw new HttpError({
      kind: 'provider',
      code: 'pagination_loop',
      url,
      message: `pagination_loop: ${redactUrl(url)} returned the same next page twice`,
    });
  }
}

/**
 * A next link on another origin is refused: a compromised or misconfigured provider must not be able to
 * send the stream (and any per-request headers it carries) to a host of its choosing.
 */
function sameOriginNext(next: string, current: HttpResponse<unknown>): string {
  const resolved = new URL(next, current.url);
  if (resolved.origin !== new URL(current.url).origin) {
    throw new HttpError({
      kind: 'provider',
      code: 'cross_origin_next',
      url: current.url,
      message: `cross_origin_next: ${redactUrl(current.url)} pointed its next page at another host (${resolved.host})`,
    });
  }
  return resolved.href;
}

async function* followUrls<T>(
  http: HttpClient,
  req: HttpRequest,
  startUrl: string | undefined,
  nextOf: (response: HttpResponse<T>) => NextValue,
): AsyncGenerator<Page<T>> {
  let request: HttpRequest = startUrl === undefined ? req : { ...req, url: startUrl, query: undefined };
  let previous: string | null = startUrl ?? null;
  for (;;) {
    throwIfAborted(req.signal);
    const response = await http.request<T>(request);
    const raw = normalizeNext(nextOf(response));
    const next = raw === null ? null : sameOriginNext(raw, response);
    assertProgress(previous, next, response.url);
    yield { response, next };
    if (next === null) return;
    previous = next;
    // The next URL carries its own query; the original one would duplicate or contradict it.
    request = { ...req, url: next, query: undefined };
  }
}

/**
 * RFC 8288 `Link: <...>; rel="next"` (GitHub, GitLab, Shopify...). `next` is the absolute next URL; pass it back
 * as `startUrl` to resume after that page. A next link on another origin, or the same one twice in a row, fails.
 *
 * @example
 * ```ts
 * const pages = paginateLinkHeader<GithubObject[]>(ctx.http, { url: '/user/repos', query: { per_page: 100 }, signal: ctx.signal });
 * for await (const page of pages) {
 *   yield { type: 'records', records: page.response.body };
 *   if (page.next) yield { type: 'state', state: { next: page.next } };
 * }
 * ```
 */
export function paginateLinkHeader<T = unknown>(http: HttpClient, req: HttpRequest, startUrl?: string): AsyncGenerator<Page<T>> {
  return followUrls<T>(http, req, startUrl, (response) => parseLinkHeader(response.headers['link'])['next']);
}

export interface NextUrlOptions<T> {
  /** Where the body names the next page, e.g. `(res) => res.body['@odata.nextLink']`. */
  nextUrl: (response: HttpResponse<T>) => string | null | undefined;
  start?: string;
}

/**
 * A next-page URL inside the body (Microsoft Graph `@odata.nextLink`, Salesforce `nextRecordsUrl`). `options.start`
 * resumes at a saved next URL; a next URL on another origin, or the same one twice in a row, fails.
 *
 * @example
 * ```ts
 * const pages = paginateNextUrl<DeltaPage>(ctx.http, { url: '/me/messages/delta', signal: ctx.signal }, {
 *   nextUrl: (response) => response.body['@odata.nextLink'],
 * });
 * for await (const page of pages) yield { type: 'records', records: page.response.body.value };
 * ```
 */
export function paginateNextUrl<T = unknown>(http: HttpClient, req: HttpRequest, options: NextUrlOptions<T>): AsyncGenerator<Page<T>> {
  return followUrls<T>(http, req, options.start, options.nextUrl);
}

/** Runs pages that differ only in query (or body) parameters. */
async function* followParams<T>(
  http: HttpClient,
  req: HttpRequest,
  first: string | null,
  paramsFor: (position: string | null) => { query?: Record<string, QueryValue>; body?: unknown },
  nextOf: (response: HttpResponse<T>, position: string | null) => NextValue,
): AsyncGenerator<Page<T>> {
  let position = first;
  for (;;) {
    throwIfAborted(req.signal);
    const params = paramsFor(position);
    const response = await http.request<T>({
      ...req,
      query: { ...req.query, ...params.query },
      ...(params.body === undefined ? {} : { body: params.body }),
    });
    const next = normalizeNext(nextOf(response, position));
    assertProgress(position, next, response.url);
    yield { response, next };
    if (next === null) return;
    position = next;
  }
}

export interface CursorOptions<T> {
  cursorParam: string;
  nextCursor: (response: HttpResponse<T>) => string | null | undefined;
  start?: string;
  /** Search APIs (Notion, HubSpot) take the cursor in the JSON body instead of the query. */
  cursorIn?: 'query' | 'body';
}

/**
 * An opaque cursor from each response (Stripe `starting_after`, Slack `next_cursor`), sent back as `cursorParam`
 * in the query (or, with `cursorIn: 'body'`, the JSON body). `next` is the cursor to resume after that page;
 * the same cursor twice in a row fails.
 *
 * @example
 * ```ts
 * const pages = paginateCursor<StripeList>(ctx.http, { url: '/v1/customers', query: { limit: 100 }, signal: ctx.signal }, {
 *   cursorParam: 'starting_after',
 *   nextCursor: (response) => (response.body.has_more ? response.body.data.at(-1)?.id : null),
 * });
 * ```
 */
export function paginateCursor<T = unknown>(http: HttpClient, req: HttpRequest, options: CursorOptions<T>): AsyncGenerator<Page<T>> {
  return followParams<T>(
    http,
    req,
    options.start ?? null,
    (cursor) => {
      if (cursor === null) return {};
      if (options.cursorIn === 'body') return { body: { ...(req.body as object | undefined), [options.cursorParam]: cursor } };
      return { query: { [options.cursorParam]: cursor } };
    },
    (response) => options.nextCursor(response),
  );
}

export interface OffsetOptions<T> {
  offsetParam: string;
  limitParam: string;
  limit: number;
  /** Records on this page; fewer than `limit` means it was the last. */
  count: (response: HttpResponse<T>) => number;
  start?: string | number;
}

/** `?offset=&limit=`, stopping on a short page, since many offset APIs never say how many there are. */
export function paginateOffset<T = unknown>(http: HttpClient, req: HttpRequest, options: OffsetOptions<T>): AsyncGenerator<Page<T>> {
  return followParams<T>(
    http,
    req,
    String(options.start ?? 0),
    (offset) => ({ query: { [options.offsetParam]: Number(offset), [options.limitParam]: options.limit } }),
    (response, offset) => {
      const count = options.count(response);
      return count < options.limit || count <= 0 ? null : Number(offset) + count;
    },
  );
}

export interface PageOptions<T> {
  pageParam: string;
  firstPage?: number;
  hasMore: (response: HttpResponse<T>) => boolean;
  start?: string | number;
}

/** `?page=N` (QuickBooks-style and many admin APIs), with the body saying whether more follow. */
export function paginatePage<T = unknown>(http: HttpClient, req: HttpRequest, options: PageOptions<T>): AsyncGenerator<Page<T>> {
  return followParams<T>(
    http,
    req,
    String(options.start ?? options.firstPage ?? 1),
    (page) => ({ query: { [options.pageParam]: Number(page) } }),
    (response, page) => (options.hasMore(response) ? Number(page) + 1 : null),
  );
}
