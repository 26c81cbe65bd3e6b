import { isCredentialName } from '../contracts/credential-names.js';
import { AbortError, throwIfAborted } from './abort-error.js';
import { createAttemptSignal } from './attempt-signal.js';
import { backoffDelay, resolveRetryPolicy } from './backoff-delay.js';
import { applyQuery, parseUrl, resolveUrl } from './build-url.js';
import { HttpError, kindForStatus, redactUrl } from './http-error.js';
import type { HttpClient, HttpClientOptions, HttpMethod, HttpRequest, HttpResponse } from './http-types.js';
import { causeChain, retryableNetworkReason } from './network-error.js';
import { isRateLimited, providerWaitMs, RETRYABLE_STATUSES } from './rate-limit-signal.js';
import { isJsonContentType } from './read-body.js';
import { encodeBody } from './request-body.js';
import { boundedSnippet, createScrubber, secretsFromHeaders } from './scrub-secrets.js';
import { sendWithRedirects, type RawResponse } from './send-with-redirects.js';
import { sleep as defaultSleep } from './sleep.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const DEFAULT_ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';
/** Headers that describe the payload rather than the caller, so they may follow a cross-origin redirect. */
const PORTABLE_HEADERS = ['accept', 'accept-language', 'content-type'];

/** What one attempt produced: a response to hand back, or a failure with whether another attempt may help. */
type Attempt<T> =
  | { ok: true; response: HttpResponse<T> }
  | { ok: false; retryable: boolean; reason: string; waitMs: number | null; fail: (attempts: number) => HttpError };

/**
 * The one outbound HTTP client: credentials injected, per-attempt timeouts, retries with backoff that honour
 * the provider's own wait hints, an optional rate limiter and SSRF guard, and errors that never leak secrets.
 * A stream never builds one (the engine hands it `ctx.http`); tests and sandboxes do.
 *
 * @example
 * ```ts
 * const http = createHttpClient({
 *   baseUrl: sandbox.url,
 *   headers: { Authorization: `Bearer ${sandbox.token}` },
 *   retry: { baseDelayMs: 1, maxAttempts: 2 },
 *   secrets: [sandbox.token],
 * });
 * const me = await http.get<{ login: string }>('/user');
 * ```
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const credentialOrigin = options.baseUrl === undefined ? undefined : parseUrl(options.baseUrl).origin;
  const defaultHeaders = lowerKeys(options.headers);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const clientSecrets = [...(options.secrets ?? []), ...secretsFromHeaders(options.headers), ...sensitiveQueryValues(options.query)];

  async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const signal = req.signal && options.signal ? AbortSignal.any([req.signal, options.signal]) : (req.signal ?? options.signal);
    throwIfAborted(signal);
    const method: HttpMethod = req.method ?? 'GET';
    const secrets = [...clientSecrets, ...secretsFromHeaders(req.headers), ...sensitiveQueryValues(req.query)];
    const scrub = createScrubber(secrets);
    const url = resolveUrl(req.url, options.baseUrl);
    const firstOrigin = url.origin;
    const sendsCredentials = (target: URL): boolean => target.origin === (credentialOrigin ?? firstOrigin);
    // Before the credentials are even added to the URL: a destination they may not go to fails the request. The
    // SSRF guard speaks first (a host nobody may connect to is refused as such, whoever's credentials).
    if (options.credentialDestinations && sendsCredentials(url)) {
      options.guard?.checkUrl(url);
      options.credentialDestinations.check(url);
    }
    applyQuery(url, req.query, true);
    if (sendsCredentials(url)) applyQuery(url, options.query, false);
    const body = encodeBody(req.body);
    const requestHeaders = lowerKeys(req.headers);

    // Credentials (client defaults) go only to their own origin; a request's own headers only to its origin,
    // so a redirect or a provider's `next` link to another host never receives a token.
    const headersFor = (target: URL, withBody: boolean): Record<string, string> => {
      const headers: Record<string, string> = { accept: DEFAULT_ACCEPT, 'user-agent': options.userAgent ?? 'tributary' };
      if (sendsCredentials(target)) Object.assign(headers, defaultHeaders);
      if (target.origin === firstOrigin) Object.assign(headers, requestHeaders);
      else for (const name of PORTABLE_HEADERS) if (requestHeaders[name] !== undefined) headers[name] = requestHeaders[name];
      if (withBody && body.contentType !== undefined) headers['content-type'] ??= body.contentType;
      if (!withBody) delete headers['content-type'];
      return headers;
    };

    const policy = resolveRetryPolicy(options.retry, req.retry);
    const describe = `${method} ${redactUrl(url)}`;
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce<T>();
      if (result.ok) return result.response;
      if (!result.retryable || attempt >= policy.maxAttempts) throw result.fail(attempt);
      if (result.waitMs !== null && result.waitMs > policy.maxRetryAfterMs) {
        const error = result.fail(attempt);
        throw new HttpError({
          kind: error.kind,
          code: error.code,
          status: error.status,
          url: error.url,
          attempts: attempt,
          message: `${error.message} (the provider asked to wait ${Math.ceil(result.waitMs / 1000)} s, more than the allowed ${Math.ceil(policy.maxRetryAfterMs / 1000)} s)`,
        });
      }
      const delay = result.waitMs ?? backoffDelay(attempt, policy, options.random);
      options.onRetry?.(attempt, delay, scrub(result.reason));
      await sleep(delay, signal);
      throwIfAborted(signal);
    }

    // An observer (metrics) that throws must not fail the request it observes.
    function observe(status: number | 'network_error' | 'timeout'): void {
      try {
        options.onResponse?.(status);
      } catch {
        // ignored on purpose
      }
    }

    async function attemptOnce<R>(): Promise<Attempt<R>> {
      // Waiting for a token is throttling, not slowness: it happens before the attempt's timeout starts.
      await options.rateLimiter?.acquire(signal);
      const attemptSignal = createAttemptSignal(signal, req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let raw: RawResponse;
      try {
        raw = await sendWithRedirects({
          method,
          url,
          body: body.data,
          headersFor,
          acceptStatus: req.acceptStatus ?? [],
          guard: options.guard,
          dispatcher: options.dispatcher,
          rateLimiter: options.rateLimiter,
          callerSignal: signal,
          signal: attemptSignal.signal,
          maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        });
      } catch (error) {
        if (!signal?.aborted && !causeChain(error).some((link) => link instanceof HttpError)) observe(attemptSignal.timedOut() ? 'timeout' : 'network_error');
        return failureFromError(error, attemptSignal.timedOut());
      } finally {
        attemptSignal.dispose();
      }
      observe(raw.status);
      return fromResponse<R>(raw);
    }

    function failureFromError<R>(error: unknown, timedOut: boolean): Attempt<R> {
      if (signal?.aborted) throw new AbortError(signal.reason);
      const own = causeChain(error).find((link): link is HttpError => link instanceof HttpError);
      if (own !== undefined) throw own;
      const reason = timedOut ? 'timeout' : retryableNetworkReason(error);
      if (reason === null) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new HttpError({ kind: 'provider', code: 'request_failed', url: url.href, message: scrub(`request_failed: ${describe}: ${detail}`) });
      }
      const code = reason === 'timeout' ? 'timeout' : 'network_error';
      return {
        ok: false,
        retryable: true,
        reason,
        waitMs: null,
        fail: (attempts) =>
          new HttpError({ kind: 'transient', code, url: url.href, attempts, message: scrub(`${code}: ${describe} failed after ${attempts} attempt(s): ${reason}`) }),
      };
    }

    function fromResponse<R>(raw: RawResponse): Attempt<R> {
      const success = raw.status >= 200 && raw.status < 300;
      if (success || req.acceptStatus?.includes(raw.status)) {
        const parsed = parseBody(raw, method);
        if (parsed.ok) {
          return { ok: true, response: { status: raw.status, headers: raw.headers, body: parsed.value as R, url: raw.url } };
        }
        if (success) {
          // A 2xx whose JSON does not parse is almost always a body cut off mid-transfer.
          return {
            ok: false,
            retryable: true,
            reason: 'invalid_json',
            waitMs: null,
            fail: (attempts) =>
              new HttpError({ kind: 'transient', code: 'invalid_response', status: raw.status, url: raw.url, attempts, message: scrub(`invalid_response: ${describe} returned ${raw.status} with a body that is not valid JSON: ${boundedSnippet(raw.text, secrets)}`) }),
          };
        }
        return { ok: true, response: { status: raw.status, headers: raw.headers, body: raw.text as R, url: raw.url } };
      }
      const limited = isRateLimited(raw.status, raw.headers, raw.text);
      const retryable = limited || RETRYABLE_STATUSES.has(raw.status);
      const code = limited ? 'rate_limited' : 'http_status';
      const status = `${raw.status}${raw.statusText ? ` ${raw.statusText}` : ''}`;
      return {
        ok: false,
        retryable,
        reason: limited ? `rate_limited (${raw.status})` : status,
        waitMs: retryable ? providerWaitMs(raw.status, raw.headers, raw.text, now()) : null,
        fail: (attempts) =>
          new HttpError({
            kind: kindForStatus(raw.status, retryable),
            code,
            status: raw.status,
            url: raw.url,
            attempts,
            message: scrub(`${code}: ${method} ${redactUrl(raw.url)} returned ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${boundedSnippet(raw.text, secrets) || '(empty body)'}`),
          }),
      };
    }
  }

  return {
    request,
    get: (url, query, init) => request({ ...init, url, query, method: 'GET' }),
  };
}

function parseBody(raw: RawResponse, method: HttpMethod): { ok: true; value: unknown } | { ok: false } {
  if (!isJsonContentType(raw.headers['content-type'])) return { ok: true, value: raw.text };
  if (method === 'HEAD' || raw.status === 204 || raw.text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw.text) };
  } catch {
    return { ok: false };
  }
}

/** Query parameters named like credentials (`api_key`, `accessToken`, `sig`) are scrubbed without being listed. */
function sensitiveQueryValues(query: HttpRequest['query']): string[] {
  return Object.entries(query ?? {})
    .filter(([key, value]) => isCredentialName(key, 'url') && value !== undefined && value !== null)
    .map(([, value]) => String(value));
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}
