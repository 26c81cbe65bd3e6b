/**
 * Connection strings (`conn_string` fields): a database URI a user pastes, e.g.
 * `postgres://user:password@db.example.com:5432/app?sslmode=require`.
 *
 * A connection string names a host Tributary will connect to, so it is an SSRF vector like a `base_url`, with
 * extra ways to smuggle a target past a check of the authority alone: libpq's `?host=` / `?hostaddr=` override
 * it, `h1,h2` lists several hosts, an empty or `%2F…` host is a Unix socket, `?sslkey=/path` reads local files,
 * and a non-special URI scheme leaves `0x7f.1` unnormalised while the resolver still reads it as 127.0.0.1.
 * So this module accepts only the URI form, only the schemes below, one host, and a short list of parameters,
 * and returns the host normalised the WHATWG way — the host the SSRF guard judges and the one a driver must be
 * given (never the raw string).
 */

/** Schemes a connection string may use; anything else (file:, redis:, gopher:…) is refused. */
const SCHEMES: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'http:': 80, 'https:': 443 };

/** Query parameters that change neither the host nor which local files are read. */
const ALLOWED_PARAMS = new Set(['sslmode', 'ssl', 'connect_timeout', 'application_name', 'options', 'target_session_attrs', 'schema']);

export interface ConnStringTarget {
  /** `postgres:`, `postgresql:`, `http:` or `https:`. */
  protocol: string;
  /** Lower-case, IPv4 in dotted form, IPv6 bracketed: as `new URL('http://…').hostname` gives it. */
  hostname: string;
  port: number;
}

export class ConnStringError extends Error {}

/**
 * The target of a connection string, or a `ConnStringError` saying what is wrong. Messages never quote the
 * value: it carries a password.
 */
export function parseConnString(value: string): ConnStringTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (!scheme?.[1]) throw new ConnStringError('must be a URI such as postgres://user:password@host:5432/database');
  const protocol = `${scheme[1].toLowerCase()}:`;
  const defaultPort = SCHEMES[protocol];
  if (defaultPort === undefined) throw new ConnStringError(`scheme ${protocol} is not allowed (postgres, postgresql, http or https)`);
  const rest = value.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPart.includes(',')) throw new ConnStringError('must name a single host');
  // Parsed as http so the host gets WHATWG normalisation (percent-decoding, 0x7f.1 → 127.0.0.1, IDNA).
  let parsed: URL;
  try {
    parsed = new URL(`http://${authority}/`);
  } catch {
    throw new ConnStringError('has an invalid host');
  }
  if (parsed.hostname === '') throw new ConnStringError('must name a host (Unix sockets are not allowed)');
  const queryStart = rest.indexOf('?');
  if (queryStart !== -1) {
    const query = rest.slice(queryStart + 1).replace(/#.*$/, '');
    for (const key of new URLSearchParams(query).keys()) {
      if (!ALLOWED_PARAMS.has(key.toLowerCase())) throw new ConnStringError(`parameter "${key.slice(0, 40)}" is not allowed`);
    }
  }
  return { protocol, hostname: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}
