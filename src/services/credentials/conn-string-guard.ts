import { AppError } from '../../contracts/errors.js';
import type { Field, Manifest } from '../../contracts/manifest.js';
import { ConnStringError, parseConnString } from '../../core/conn-string.js';
import { HttpError, type SsrfGuard } from '../../http-client/index.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { oauthEndpointKeys } from '../../core/connection-input.js';

/**
 * Judges the host of every `conn_string` value of a connection (credential fields and config) with the SSRF
 * guard's `checkUrl`, before anything uses the connection: the first refused one, with the field it came from,
 * or null. The error is the guard's `HttpError` (`host_not_allowed`, kind `config`).
 *
 * The guard is URL-shaped, so the target is handed over as `http://host:port/` built from the parsed
 * connection string: the host and port are what it judges (the allowlist is per host:port), and the raw
 * string, password included, never reaches an error message. This is the check before connecting; the
 * sockets of a conn_string connector must also resolve through the guard (DNS can change in between).
 */
export function findBlockedConnString(
  manifest: Manifest,
  config: Record<string, unknown>,
  secrets: ConnectionSecrets,
  guard: SsrfGuard,
): { field: string; error: HttpError } | null {
  const candidates: [Field, unknown, string][] = [
    ...manifest.fields.map((f): [Field, unknown, string] => [f, secrets.fields[f.key], `fields.${f.key}`]),
    ...manifest.config_fields.map((f): [Field, unknown, string] => [f, config[f.key], `config.${f.key}`]),
  ];
  for (const [field, value, name] of candidates) {
    if (field.type !== 'conn_string' || typeof value !== 'string' || value.trim() === '') continue;
    try {
      guard.checkUrl(connStringProbeUrl(value.trim()));
    } catch (error) {
      if (error instanceof HttpError) return { field: name, error };
      throw error;
    }
  }
  return null;
}

/** The same check for callers that just need it to throw (the HTTP client of a connection, a sync run). */
export function checkConnStringHosts(manifest: Manifest, config: Record<string, unknown>, secrets: ConnectionSecrets, guard: SsrfGuard): void {
  const blocked = findBlockedConnString(manifest, config, secrets, guard);
  if (blocked) throw blocked.error;
}

/** `http(s)://host:port/` for the guard; a stored value that no longer parses is refused like a bad URL. */
function connStringProbeUrl(value: string): URL {
  try {
    const target = parseConnString(value);
    const scheme = target.protocol === 'https:' ? 'https:' : 'http:';
    return new URL(`${scheme}//${target.hostname}:${target.port}/`);
  } catch (error) {
    if (!(error instanceof ConnStringError)) throw error;
    throw new HttpError({ kind: 'config', code: 'invalid_url', message: `invalid_url: the connection string ${error.message}` });
  }
}

/**
 * The URL-valued config of a connection (`base_url`, OAuth endpoint overrides, url fields) judged before it is
 * saved: a literal private address or an internal name is refused up front (400 `host_not_allowed`, naming the
 * field) instead of at the first sync. Names that resolve to private addresses are still caught at connect time.
 */
export function checkConfigUrls(manifest: Manifest, config: Record<string, unknown>, guard: SsrfGuard): void {
  const urlKeys = new Set(['base_url', ...oauthEndpointKeys, ...manifest.config_fields.filter((f) => f.type === 'url').map((f) => f.key)]);
  for (const key of urlKeys) {
    const value = config[key];
    if (typeof value !== 'string' || value.trim() === '') continue;
    try {
      guard.checkUrl(value.trim());
    } catch (error) {
      if (error instanceof HttpError) throw new AppError('host_not_allowed', `config.${key}: ${error.message}`, { field: `config.${key}` });
      throw error;
    }
  }
}
