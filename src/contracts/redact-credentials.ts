import { isCredentialName } from './credential-names.js';

export const REDACTED = '[redacted]';

/**
 * Path segments after which the next segment is a credential: `POST /api/v1/webhooks/:token`. `build-app.ts`
 * refuses at start-up any route whose credential-named parameter this does not cover, so a new token route
 * cannot be added without being redacted.
 */
export const credentialRouteSegments: ReadonlySet<string> = new Set(['webhooks']);

/**
 * A URL, or a request's path and query, with every credential it carries replaced by `[redacted]`, judged by
 * structure: userinfo, query and fragment parameters whose name is credential-bearing (in any case or spelling),
 * and the segment after a credential route whatever its case or repeated slashes. The rest is kept as written,
 * so a log still shows which page was asked for.
 *
 * @example
 * redactUrlCredentials('//API/V1/Webhooks//abc?Access-Token=x&page=2') // '//API/V1/Webhooks//[redacted]?Access-Token=[redacted]&page=2'
 */
export function redactUrlCredentials(url: string): string {
  const absolute = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!absolute) return redactPathAndQuery(url);
  const authority = absolute[2]!;
  const at = authority.lastIndexOf('@');
  return `${absolute[1]}${at >= 0 ? `${REDACTED}@${authority.slice(at + 1)}` : authority}${redactPathAndQuery(absolute[3]!)}`;
}

/**
 * Free text (an error message, a provider's error body, a log line) with the credentials its structure shows
 * removed: inside every URL as above, `name=value` and `"name": "value"` pairs whose name is credential-bearing,
 * and `Bearer …` / `Basic …` values. Known secret values are the caller's to remove (see `createScrubber`).
 */
export function redactCredentialsInText(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => redactUrlCredentials(url))
    // A value that looks like a token (a digit, a symbol or mixed case), not prose ("Basic authentication").
    .replace(/\b(Bearer|Basic|Digest)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi, (whole, scheme: string, space: string, value: string) =>
      /[0-9+/=_]|[a-z][^a-z]*[A-Z]|[A-Z][^A-Z]*[a-z]/.test(value) && !/^[A-Z][a-z]+$/.test(value) ? `${scheme}${space}${REDACTED}` : whole,
    )
    .replace(/("([^"\\]{1,64})"\s*:\s*)"(?:[^"\\]|\\.)*"/g, (whole, head: string, name: string) => (isCredentialName(name) && !/"\[redacted\]"$/i.test(whole) ? `${head}"${REDACTED}"` : whole))
    .replace(/(^|[\s?&;,(])([A-Za-z][\w.-]{0,63})=([^\s&"',;)]+)/g, (whole, lead: string, name: string, value: string) =>
      isCredentialName(name) && !isRedacted(value) ? `${lead}${name}=${REDACTED}` : whole,
    );
}

/**
 * A JSON-like value (audit data, a run log's data, a log line's fields) with credential-named string values
 * replaced and every other string passed through `scrubText` (default: `redactCredentialsInText`).
 */
export function redactCredentialsDeep<T>(value: T, scrubText: (text: string) => string = redactCredentialsInText): T {
  return redactDeep(value, scrubText, 0) as T;
}

function redactDeep(value: unknown, scrubText: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any data we write: not worth walking, and not worth the risk of showing.
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, scrubText, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === 'string' && item !== '' && isCredentialName(key) ? REDACTED : redactDeep(item, scrubText, depth + 1);
  }
  return out;
}

function redactPathAndQuery(rest: string): string {
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt >= 0 ? rest.slice(0, hashAt) : rest;
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const query = queryAt >= 0 ? `?${redactParams(beforeHash.slice(queryAt + 1))}` : '';
  // Fragments carry tokens too (the implicit grant's `#access_token=`).
  const fragment = hashAt >= 0 ? `#${redactParams(rest.slice(hashAt + 1))}` : '';
  return `${redactPath(path)}${query}${fragment}`;
}

function redactPath(path: string): string {
  let nextIsCredential = false;
  return path
    .split('/')
    .map((segment) => {
      // Empty segments (`webhooks//token`) neither are nor end a credential route.
      if (segment === '') return segment;
      if (nextIsCredential) {
        nextIsCredential = false;
        return REDACTED;
      }
      // An encoded slash (`webhooks%2Ftoken`) hides a route inside one segment: judge its decoded parts.
      const parts = decode(segment).split('/').map((p) => p.toLowerCase());
      const routeAt = parts.findIndex((p) => credentialRouteSegments.has(p));
      if (routeAt < 0) return segment;
      if (routeAt < parts.length - 1) return REDACTED;
      nextIsCredential = true;
      return segment;
    })
    .join('/');
}

function redactParams(params: string): string {
  return params
    .split(/([&;])/)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) return part;
      const value = part.slice(eq + 1);
      return isCredentialName(decode(part.slice(0, eq).replace(/\+/g, ' ')), 'url') && !isRedacted(value) ? `${part.slice(0, eq)}=${REDACTED}` : part;
    })
    .join('');
}

/** Already replaced, by this or by a scrubber of known values (which writes `[REDACTED]`). */
function isRedacted(value: string): boolean {
  return value.toLowerCase() === REDACTED;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
