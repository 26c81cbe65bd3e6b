import { HttpError, redactUrl } from './http-error.js';
import type { QueryValue } from './http-types.js';

const ABSOLUTE = /^[a-z][a-z\d+.-]*:/i;

/**
 * Joins a request URL to the base URL. Unlike bare `new URL(path, base)`, a base path prefix survives
 * (`https://api.x.com/v2` + `/users` → `/v2/users`), which is what connector authors expect from a base URL.
 */
export function resolveUrl(target: string, baseUrl: string | undefined): URL {
  if (ABSOLUTE.test(target) || baseUrl === undefined) return parseUrl(target);
  const base = parseUrl(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const [path = '', search] = splitOnce(target, '?');
  const joined = new URL(`${base.origin}${prefix}/${path.replace(/^\/+/, '')}`);
  if (search !== undefined) joined.search = search;
  return joined;
}

/**
 * `new URL`, but a bad URL (often a user's `base_url` setting) is a config error like any other refusal,
 * and its text is redacted because it may carry a token in its query.
 */
export function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new HttpError({ kind: 'config', code: 'invalid_url', message: `invalid_url: "${redactUrl(value)}" is not a valid absolute URL` });
  }
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, undefined] : [value.slice(0, index), value.slice(index + 1)];
}

/**
 * Adds query parameters. `override` replaces a parameter the URL already has (a request's own query);
 * without it, an existing parameter wins (client defaults must not clobber a `next` link's own values).
 */
export function applyQuery(url: URL, query: Record<string, QueryValue> | undefined, override: boolean): void {
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (!override && url.searchParams.has(key)) continue;
    url.searchParams.set(key, String(value));
  }
}
