import type { Manifest } from '../contracts/manifest.js';
import type { HttpClient } from '../http-client/http-types.js';
import { createHttpClient, createRateLimiter, createSsrfGuard, resolveTemplate, type RateLimiter, type SsrfGuard } from '../http-client/index.js';

export interface ConnectionSecrets {
  fields: Record<string, string>;
  oauth?: { access_token: string; refresh_token?: string; expires_at?: string; token_type?: string; scope?: string };
}

export interface ConnectionHttpOptions {
  /** Keys the per-connection rate limiter, shared by every run of the connection in this process. */
  connectionId: string;
  manifest: Manifest;
  config: Record<string, unknown>;
  secrets: ConnectionSecrets;
  allowPrivateHosts: string[];
  signal?: AbortSignal;
  onRetry?: ((attempt: number, delayMs: number, reason: string) => void) | undefined;
}

const guards = new Map<string, SsrfGuard>();
const limiters = new Map<string, RateLimiter>();

function limiterFor(connectionId: string, manifest: Manifest): RateLimiter | undefined {
  if (!manifest.rate_limit) return undefined;
  let limiter = limiters.get(connectionId);
  if (!limiter) {
    limiter = createRateLimiter({ requestsPerSecond: manifest.rate_limit.requests_per_second, burst: manifest.rate_limit.burst });
    limiters.set(connectionId, limiter);
  }
  return limiter;
}

/** One guard (and its connection pool) per allowlist, shared by all connections. */
function guardFor(allowPrivateHosts: string[]): SsrfGuard {
  const key = allowPrivateHosts.join(',');
  let guard = guards.get(key);
  if (!guard) {
    guard = createSsrfGuard({ allowPrivateHosts });
    guards.set(key, guard);
  }
  return guard;
}

export function baseUrlOf(manifest: Manifest, config: Record<string, unknown>): string {
  const override = config['base_url'];
  return typeof override === 'string' && override.trim() !== '' ? override.trim().replace(/\/+$/, '') : manifest.base_url;
}

/** Every secret string of a connection, so the toolkit can scrub them from error messages. */
export function secretValues(manifest: Manifest, secrets: ConnectionSecrets): string[] {
  const values = manifest.fields.filter((f) => f.secret).map((f) => secrets.fields[f.key]);
  if (secrets.oauth) values.push(secrets.oauth.access_token, secrets.oauth.refresh_token);
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/**
 * The HTTP client a connection's streams and probes use: base URL (the manifest's, or the connection's
 * `base_url`), the manifest's auth headers with credentials filled in, and the SSRF guard on every call —
 * a user-supplied base URL is exactly the kind of host it exists for.
 */
export function connectionHttp(options: ConnectionHttpOptions): HttpClient {
  const { manifest, config, secrets } = options;
  const scope = {
    fields: { ...secrets.fields, access_token: secrets.oauth?.access_token ?? '' },
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
  };
  const headers: Record<string, string> = { ...manifest.default_headers };
  for (const [name, template] of Object.entries(manifest.auth.headers)) headers[name] = resolveTemplate(template, scope);
  const query: Record<string, string> = {};
  for (const [name, template] of Object.entries(manifest.auth.query)) query[name] = resolveTemplate(template, scope);
  return createHttpClient({
    baseUrl: baseUrlOf(manifest, config),
    headers,
    query,
    guard: guardFor(options.allowPrivateHosts),
    ...(limiterFor(options.connectionId, manifest) ? { rateLimiter: limiterFor(options.connectionId, manifest)! } : {}),
    secrets: secretValues(manifest, secrets),
    userAgent: 'Tributary/0.1',
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
}
