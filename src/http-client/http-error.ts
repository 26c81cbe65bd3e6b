import type { HttpErrorKind } from './http-types.js';

/** Machine-readable reasons; the message starts with the code so logs stay greppable. */
export type HttpErrorCode =
  | 'host_not_allowed'
  | 'credential_host_not_allowed'
  | 'invalid_url'
  | 'http_status'
  | 'rate_limited'
  | 'timeout'
  | 'network_error'
  | 'invalid_response'
  | 'response_too_large'
  | 'too_many_redirects'
  | 'pagination_loop'
  | 'cross_origin_next'
  | 'request_failed';

export interface HttpErrorInit {
  kind: HttpErrorKind;
  code: HttpErrorCode;
  /** Must already be scrubbed of secrets: the error is logged and may reach the API. */
  message: string;
  url?: string;
  status?: number;
  attempts?: number;
}

/**
 * The only error the toolkit throws for a failed call (besides `AbortError`). It deliberately carries no
 * request headers, no query string and no raw cause, since any of them may hold credentials. A connector
 * throws one itself for an answer its API marks as failed in the body (Slack's `ok: false`, a 410 it cannot
 * recover from); `kind` tells the engine whether the next run may succeed.
 *
 * @example
 * ```ts
 * throw new HttpError({
 *   kind: 'provider',
 *   code: 'invalid_response',
 *   status: response.status,
 *   url: response.url,
 *   message: `invalid_response: ${method} did not answer with a JSON object`,
 * });
 * ```
 */
export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly code: HttpErrorCode;
  readonly status: number | undefined;
  /** Origin and path only. */
  readonly url: string | undefined;
  readonly attempts: number;

  constructor(init: HttpErrorInit) {
    super(init.message);
    this.name = 'HttpError';
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
    this.attempts = init.attempts ?? 1;
  }
}

/**
 * Whether a caught value is an `HttpError`, narrowing it to read `status`, `kind` and `code`.
 *
 * @example
 * ```ts
 * try {
 *   return (await ctx.http.get<JiraObject>('/rest/api/3/myself', undefined, { signal: ctx.signal })).body;
 * } catch (error) {
 *   if (isHttpError(error) && (error.status === 403 || error.status === 404)) return null;
 *   throw error;
 * }
 * ```
 */
export function isHttpError(value: unknown): value is HttpError {
  return value instanceof HttpError;
}

/**
 * Origin and path: query strings, fragments and userinfo often carry tokens, so they never reach an error. Use
 * it for any URL a connector puts in a message.
 *
 * @example
 * ```ts
 * redactUrl('https://graph.microsoft.com/v1.0/me/messages/delta?$deltatoken=abc'); // 'https://graph.microsoft.com/v1.0/me/messages/delta'
 * ```
 */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return String(url).replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//');
  }
}

/** The kind a final HTTP status maps to, when the status is not retried or retries ran out. */
export function kindForStatus(status: number, retryable: boolean): HttpErrorKind {
  if (retryable) return 'transient';
  if ([400, 401, 403, 404, 422].includes(status)) return 'config';
  return 'provider';
}
