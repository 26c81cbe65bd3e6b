import { fetch as undiciFetch } from 'undici';
import { createHostAllowlist, effectivePort } from './host-allowlist.js';
import { HttpError, redactUrl } from './http-error.js';
import type { SsrfGuard } from './http-types.js';

export interface GuardedFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | null;
  redirect?: 'manual' | 'follow' | 'error';
  signal?: AbortSignal | undefined;
}

/** The `fetch` shape libraries such as oauth4webapi accept (`[customFetch]`). */
export type GuardedFetch = (url: string, init?: GuardedFetchInit) => Promise<Response>;

export interface GuardedFetchOptions {
  /** Per call, including the body. Default 15 000. */
  timeoutMs?: number;
  /** A larger answer fails the call: token and metadata documents are small. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Every call of this fetch carries a credential (a code, a client secret, a token): where it may go. */
  credentialDestinations?: { check(url: URL): void };
}

/**
 * `fetch` through the SSRF guard, for code that speaks plain fetch (the OAuth client): the URL is checked
 * before connecting and every resolved address at connect time. Plain `http:` is refused except to the
 * operator's allowlisted private hosts (sandboxes on loopback), so codes, tokens and client secrets never
 * travel unencrypted to a real provider. Redirects are not followed unless the caller asks.
 */
export function createGuardedFetch(guard: SsrfGuard, allowPrivateHosts: readonly string[], options: GuardedFetchOptions = {}): GuardedFetch {
  const allowlist = createHostAllowlist(allowPrivateHosts);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  return async (input, init = {}) => {
    const url = guard.checkUrl(input);
    // Where the credential may go is judged before how it would travel: a foreign host is refused as such.
    options.credentialDestinations?.check(url);
    if (url.protocol === 'http:' && !allowlist.has(url.hostname, effectivePort(url))) {
      throw new HttpError({
        kind: 'config',
        code: 'host_not_allowed',
        url: url.href,
        message: `host_not_allowed: ${redactUrl(url)} is plain http; OAuth endpoints must use https (to allow a local sandbox on purpose, set TRIBUTARY_ALLOW_PRIVATE_HOSTS=${url.hostname}:${effectivePort(url)})`,
      });
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await undiciFetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      body: init.body ?? null,
      redirect: init.redirect ?? 'manual',
      signal,
      dispatcher: guard.dispatcher,
    });
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await readCapped(response.body, maxBytes, url);
    const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: [...response.headers] });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  };
}

/** Statuses a Response may not be built with a body for. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

async function readCapped(stream: ReadableStream<Uint8Array> | null, maxBytes: number, url: URL): Promise<Uint8Array | null> {
  if (!stream) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new HttpError({ kind: 'provider', code: 'response_too_large', url: url.href, message: `response_too_large: ${redactUrl(url)} answered more than ${maxBytes} bytes` });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
