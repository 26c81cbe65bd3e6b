/** The outbound HTTP toolkit's public shapes, shared by connectors, the verify probe and OAuth. */

import type { Dispatcher } from 'undici';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/**
 * A query parameter's value; `undefined` and `null` leave the parameter out.
 *
 * @example
 * ```ts
 * const query: Record<string, QueryValue> = { limit: 100, starting_after: pass.last ?? undefined };
 * ```
 */
export type QueryValue = string | number | boolean | undefined | null;

/**
 * One outbound request, relative to the client's base URL unless absolute. Pass `ctx.signal` so a cancelled run
 * stops waiting; list in `acceptStatus` the statuses the stream handles itself instead of failing.
 *
 * @example
 * ```ts
 * const request: HttpRequest = {
 *   url: `/calendars/${encodeURIComponent(calendarId)}/events`,
 *   query: { syncToken, maxResults: 250 },
 *   signal: ctx.signal,
 *   acceptStatus: [404, 410],
 * };
 * ```
 */
export interface HttpRequest {
  method?: HttpMethod;
  /** Absolute URL, or a path resolved against the client's base URL. */
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string or URLSearchParams. */
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** `false` turns retries off for this request (e.g. a verify probe). */
  retry?: false | Partial<RetryPolicy>;
  /** Statuses to return to the caller instead of throwing (e.g. 410 Gone handled by the stream). */
  acceptStatus?: number[];
}

/**
 * A response: the status (2xx, or one the request accepted), lower-cased headers, the parsed body, and the final
 * URL after redirects. `T` is what the caller expects; nothing checks it.
 *
 * @example
 * ```ts
 * const response: HttpResponse<GoogleList> = await ctx.http.get<GoogleList>(path, params, { signal: ctx.signal, acceptStatus: [410] });
 * if (response.status === 410) return restartFull();
 * const items = Array.isArray(response.body.items) ? response.body.items : [];
 * ```
 */
export interface HttpResponse<T = unknown> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: T;
  url: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` or reset header asking to wait longer than this fails the request instead. */
  maxRetryAfterMs: number;
}

/**
 * What a stream reads with (`ctx.http`): already pointed at the connection's base URL, with credentials,
 * retries, rate limits and the SSRF guard. Non-2xx answers (outside `acceptStatus`) throw `HttpError`.
 *
 * @example
 * ```ts
 * const me = await ctx.http.get<JiraObject>('/rest/api/3/myself', undefined, { signal: ctx.signal });
 * const found = await ctx.http.request({ method: 'POST', url: '/rest/api/3/search/jql', body: { jql, maxResults: 100 }, signal: ctx.signal });
 * ```
 */
export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, query?: HttpRequest['query'], init?: Omit<HttpRequest, 'url' | 'query' | 'method'>): Promise<HttpResponse<T>>;
}

/**
 * Why a call failed: `config` (credentials or settings are wrong: 401/403/404, a blocked host — retrying
 * will not help), `transient` (429/5xx/network, retries exhausted — the next run may succeed), `provider`
 * (any other answer the provider refused).
 *
 * @example
 * ```ts
 * export function slackErrorKind(error: string): HttpErrorKind {
 *   if (configErrors.has(error)) return 'config';
 *   if (transientErrors.has(error)) return 'transient';
 *   return 'provider';
 * }
 * ```
 */
export type HttpErrorKind = 'config' | 'transient' | 'provider';

/**
 * One page from a paginator, with where the next one starts (a URL, cursor, offset or page number): `next` is
 * what to save in a checkpoint and pass back as the paginator's start to resume after this page.
 *
 * @example
 * ```ts
 * for await (const page of pages) {
 *   yield { type: 'records', records: listOf(page.response.body) };
 *   yield { type: 'state', state: { pass: { starting_after: page.next } } };
 * }
 * ```
 */
export interface Page<T = unknown> {
  response: HttpResponse<T>;
  /** What to pass back to resume from the page after this one; null on the last page. */
  next: string | null;
}

/** A per-connection throttle; `acquire` resolves when one more request may start. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * Keeps calls to user-supplied hosts off loopback, private, link-local and metadata addresses. `checkUrl`
 * judges a URL before connecting; `dispatcher` judges every address the name resolves to at connect time,
 * so a DNS answer that changes between the two cannot slip through.
 */
export interface SsrfGuard {
  /** The parsed URL when it may be fetched; throws `HttpError` (kind `config`) otherwise. */
  checkUrl(url: string | URL): URL;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Abortable wait, injectable so tests can record delays instead of sleeping. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface HttpClientOptions {
  /** Aborts every request of this client (a run's cancellation), in addition to each request's own signal. */
  signal?: AbortSignal;
  /** Relative request URLs resolve against it; a path prefix (`/v2/`) is kept. */
  baseUrl?: string;
  /** Sent with every request to the base URL's origin, e.g. injected auth. Dropped on a cross-origin redirect. */
  headers?: Record<string, string>;
  /** Added to every request unless the URL or the request already sets the same parameter. */
  query?: Record<string, QueryValue>;
  /** Per attempt, including reading the body. Default 30 000. */
  timeoutMs?: number;
  /** `false`: one attempt unless a request asks for more (a verify probe's client). */
  retry?: false | Partial<RetryPolicy>;
  rateLimiter?: RateLimiter;
  /** When set, every request and every redirect hop goes through it. */
  guard?: SsrfGuard;
  /**
   * Where the client's credentials (its `headers` and `query`) may go: checked before any request that would
   * carry them, so a base URL edited to point elsewhere is refused at use, not only when it was saved.
   */
  credentialDestinations?: { check(url: URL): void };
  /** Scrubbed from every error message and retry reason (auth header values are added automatically). */
  secrets?: string[];
  userAgent?: string;
  /** Responses larger than this fail instead of exhausting memory. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Used when no guard is set (a guard brings its own). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
  sleep?: SleepFn;
  /** Called before each retry wait, so the engine can log it. `reason` never holds secrets. */
  onRetry?: (attempt: number, delayMs: number, reason: string) => void;
  /**
   * Called once per attempt that reached the provider or failed on the way (not for a cancelled one), with the
   * HTTP status or how it failed: the hook the caller's metrics hang on. Never given the URL or headers.
   */
  onResponse?: (status: number | 'network_error' | 'timeout') => void;
  /** Clock for rate-limit reset headers (epoch ms). */
  now?: () => number;
  /** Jitter source in [0, 1). */
  random?: () => number;
}
