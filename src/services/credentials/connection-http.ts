import type { Manifest } from '../../contracts/manifest.js';
import type { Metrics } from '../../contracts/metrics.js';
import type { HttpClient } from '../../http-client/http-types.js';
import { checkConnStringHosts } from './conn-string-guard.js';
import { createHttpClient, resolveTemplate, templateConfig } from '../../http-client/index.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { retryAfterRefresh, type RefreshSecrets } from './retry-after-refresh.js';
import { baseUrlOf } from './base-url-of.js';
import { destinationsFor } from './connection-destinations.js';
import type { ProviderTraffic } from './provider-traffic.js';

export type { ConnectionSecrets } from './connection-secrets.js';
export { baseUrlOf } from './base-url-of.js';

export interface ConnectionHttpOptions {
  /** Keys the per-connection rate limiter, shared by every run of the connection in this process. */
  connectionId: string;
  /** The process's rate limiters and SSRF guards (built once in `cli/runtime.ts`). */
  traffic: ProviderTraffic;
  manifest: Manifest;
  config: Record<string, unknown>;
  secrets: ConnectionSecrets;
  allowPrivateHosts: string[];
  /** The operator's TRIBUTARY_ALLOWED_HOSTS: where credentials may go besides the manifest's allowed_hosts. */
  allowedHosts: readonly string[];
  signal?: AbortSignal;
  onRetry?: ((attempt: number, delayMs: number, reason: string) => void) | undefined;
  /** Per attempt; the toolkit's default (30 s) when absent. */
  timeoutMs?: number;
  /** OAuth connections: on a 401, get fresher secrets (a refreshed token) and retry the request once. */
  refresh?: RefreshSecrets;
  /** Counts each provider exchange by connector and HTTP status. */
  metrics?: Metrics | undefined;
}

/** Every secret string of a connection, so the toolkit can scrub them from error messages. */
export function secretValues(manifest: Manifest, secrets: ConnectionSecrets): string[] {
  const values = manifest.fields.filter((f) => f.secret).map((f) => secrets.fields[f.key]);
  if (secrets.oauth) values.push(secrets.oauth.access_token, secrets.oauth.refresh_token);
  if (secrets.oauth_client) values.push(secrets.oauth_client.client_secret);
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/**
 * The HTTP client a connection's streams and probes use: base URL (the manifest's, or the connection's
 * `base_url`), the manifest's auth headers with credentials filled in, the SSRF guard on every call — a
 * user-supplied base URL is exactly the kind of host it exists for — and the credential destination check: the
 * headers go only to the manifest's allowed hosts or the operator's (`connection-destinations.ts`).
 */
export function connectionHttp(options: ConnectionHttpOptions): HttpClient {
  const build = (secrets: ConnectionSecrets) => plainConnectionHttp({ ...options, secrets });
  return options.refresh && options.secrets.oauth ? retryAfterRefresh(build, options.secrets, options.refresh) : build(options.secrets);
}

/** An OAuth access token fills `fields.access_token` and the manifest's `oauth.token_field` (GitHub: `token`). */
function templateFields(manifest: Manifest, secrets: ConnectionSecrets): Record<string, string> {
  // Without OAuth tokens, `{{fields.access_token}}` is a pasted token when the manifest has that field, else empty.
  if (!secrets.oauth) return { access_token: '', ...secrets.fields };
  const token = secrets.oauth.access_token;
  return { ...secrets.fields, access_token: token, [manifest.oauth?.token_field ?? 'access_token']: token };
}

function plainConnectionHttp(options: ConnectionHttpOptions): HttpClient {
  const { manifest, config, secrets } = options;
  checkConnStringHosts(manifest, config, secrets, options.traffic.guardFor(options.allowPrivateHosts));
  const scope = {
    fields: templateFields(manifest, secrets),
    config: templateConfig(config),
  };
  const headers: Record<string, string> = { ...manifest.default_headers };
  const oauthHeaders = secrets.oauth ? manifest.oauth?.auth_headers : undefined;
  if (oauthHeaders) {
    for (const [name, template] of Object.entries(oauthHeaders)) headers[name] = resolveTemplate(template, scope);
  } else {
    for (const [name, template] of Object.entries(manifest.auth.headers)) headers[name] = resolveTemplate(template, scope);
    const basic = manifest.auth.basic;
    if (basic) {
      headers['Authorization'] = `Basic ${Buffer.from(`${resolveTemplate(basic.username, scope)}:${resolveTemplate(basic.password, scope)}`).toString('base64')}`;
    }
  }
  const query: Record<string, string> = {};
  for (const [name, template] of Object.entries(manifest.auth.query)) query[name] = resolveTemplate(template, scope);
  const limiter = options.traffic.limiterFor(options.connectionId, manifest, config);
  return createHttpClient({
    baseUrl: baseUrlOf(manifest, config),
    headers,
    query,
    guard: options.traffic.guardFor(options.allowPrivateHosts),
    // A connector without credentials has nothing to protect; its base URL is judged by the SSRF guard alone.
    ...(manifest.auth_mode === 'none' ? {} : { credentialDestinations: destinationsFor(manifest, secrets, options) }),
    ...(limiter ? { rateLimiter: limiter } : {}),
    secrets: secretValues(manifest, secrets),
    userAgent: 'Tributary/0.1',
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.metrics ? { onResponse: providerObserver(options.metrics, manifest.id) } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

function providerObserver(metrics: Metrics, connector: string): (status: number | 'network_error' | 'timeout') => void {
  return (status) => metrics.providerResponse(connector, status);
}
