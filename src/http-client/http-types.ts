/** The outbound HTTP toolkit's public shapes, shared by connectors, the verify probe and OAuth. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export type QueryValue = string | number | boolean | undefined | null;

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

export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, query?: HttpRequest['query'], init?: Omit<HttpRequest, 'url' | 'query' | 'method'>): Promise<HttpResponse<T>>;
}

/**
 * Why a call failed: `config` (credentials or settings are wrong: 401/403/404, a blocked host — retrying
 * will not help), `transient` (429/5xx/network, retries exhausted — the next run may succeed), `provider`
 * (any other answer the provider refused).
 */
export type HttpErrorKind = 'config' | 'transient' | 'provider';

/** One page from a paginator, with where the next one starts (a URL, cursor, offset or page number). */
export interface Page<T = unknown> {
  response: HttpResponse<T>;
  /** What to pass back to resume from the page after this one; null on the last page. */
  next: string | null;
}
