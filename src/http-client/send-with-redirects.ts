import { request, type Dispatcher } from 'undici';
import { HttpError, redactUrl } from './http-error.js';
import type { HttpMethod, RateLimiter, SsrfGuard } from './http-types.js';
import { readBody } from './read-body.js';

/** One attempt's answer, body still unparsed so the caller decides how a bad body is classified. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
  url: string;
}

export interface SendOptions {
  method: HttpMethod;
  url: URL;
  body: string | Uint8Array | undefined;
  /** Headers for a hop; the caller strips credentials when the hop leaves the origin they belong to. */
  headersFor(url: URL, withBody: boolean): Record<string, string>;
  acceptStatus: readonly number[];
  guard: SsrfGuard | undefined;
  dispatcher: Dispatcher | undefined;
  /** Acquired for each redirect hop; the caller acquires for the first request itself. */
  rateLimiter: RateLimiter | undefined;
  callerSignal: AbortSignal | undefined;
  /** Caller signal combined with the per-attempt timeout. */
  signal: AbortSignal;
  maxResponseBytes: number;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request and follows redirects by hand. undici could follow them, but then a hop to
 * `http://169.254.169.254/` would never pass through the guard's URL check; here every hop does.
 */
export async function sendWithRedirects(options: SendOptions): Promise<RawResponse> {
  let { method, url, body } = options;
  for (let hop = 0; ; hop++) {
    if (options.guard) url = options.guard.checkUrl(url);
    else if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unsupportedScheme(url);
    if (hop > 0) await options.rateLimiter?.acquire(options.callerSignal);
    const response = await request(url, {
      method,
      headers: options.headersFor(url, body !== undefined),
      body: body ?? null,
      signal: options.signal,
      dispatcher: options.guard?.dispatcher ?? options.dispatcher,
    }).catch((error: unknown) => {
      throw withUrl(error, url);
    });
    const headers = flattenHeaders(response.headers);
    const location = headers['location'];
    const follow = REDIRECTS.has(response.statusCode) && location !== undefined && !options.acceptStatus.includes(response.statusCode);
    if (!follow) {
      const text = await readBody(response.body, options.maxResponseBytes, url.href);
      return { status: response.statusCode, statusText: response.statusText ?? '', headers, text, url: url.href };
    }
    await response.body.dump();
    if (hop >= MAX_REDIRECTS) {
      throw new HttpError({
        kind: 'provider',
        code: 'too_many_redirects',
        url: url.href,
        message: `too_many_redirects: more than ${MAX_REDIRECTS} redirects from ${redactUrl(options.url)}`,
      });
    }
    // 303, and 301/302 after a POST, turn into a body-less GET, as browsers and fetch do.
    if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
    }
    url = new URL(location, url);
  }
}

/** The guard's connect-time refusal knows only the host name; name the hop that was refused. */
function withUrl(error: unknown, url: URL): unknown {
  if (!(error instanceof HttpError) || error.url !== undefined) return error;
  return new HttpError({ kind: error.kind, code: error.code, message: error.message, url: url.href });
}

function unsupportedScheme(url: URL): HttpError {
  return new HttpError({
    kind: 'config',
    code: 'host_not_allowed',
    url: url.href,
    message: `host_not_allowed: only http and https URLs are allowed, not ${url.protocol}`,
  });
}

/** Lower-cased names, repeated headers joined as RFC 9110 allows, so `Link` keeps every relation. */
export function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
