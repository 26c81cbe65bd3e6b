import { createHostAllowlist, effectivePort, normalizeHost } from './host-allowlist.js';
import { compileHostPattern, type HostMatcher } from './host-pattern.js';
import { HttpError, redactUrl } from './http-error.js';
import { isIpLiteral } from './ip-classify.js';

/**
 * Where one connection's credentials may be sent. A request carrying a token, a refresh token or a client
 * secret goes only to a host that matches:
 *
 * - the manifest's `allowed_hosts` patterns, or a host the manifest itself names (its `base_url`, its fixed
 *   OAuth endpoints), or, for an MCP connection, the hosts pinned when it was authorized;
 * - the operator's `TRIBUTARY_ALLOWED_HOSTS` (entries for this connector, or unscoped ones);
 * - the operator's `TRIBUTARY_ALLOW_PRIVATE_HOSTS` (host:port: sandboxes and on-premise hosts).
 *
 * The SSRF guard answers a different question (may we connect there at all?); both must say yes.
 */
export interface CredentialDestinations {
  allows(url: URL): boolean;
  /** Throws `HttpError` `credential_host_not_allowed` (kind `config`) naming the host and how to allow it. */
  check(url: URL): void;
}

export interface CredentialDestinationInput {
  connectorId: string;
  /** The manifest's `allowed_hosts`. */
  patterns: readonly string[];
  /** Hosts allowed exactly: the manifest's own fixed URLs, an MCP connection's pinned servers. */
  exactHosts?: readonly string[];
  /** `TRIBUTARY_ALLOWED_HOSTS` entries: `pattern` or `connector=pattern`. */
  allowedHosts: readonly string[];
  /** `TRIBUTARY_ALLOW_PRIVATE_HOSTS` entries: `host:port`. */
  allowPrivateHosts: readonly string[];
}

interface OperatorEntry {
  connector: string | null;
  pattern: string;
  match: HostMatcher;
}

const operatorCache = new Map<string, OperatorEntry[]>();
const patternCache = new Map<string, HostMatcher>();

/**
 * `TRIBUTARY_ALLOWED_HOSTS` parsed: `github=github.acme.com, jira=*.acme.internal, sso.acme.com`. Throws on a
 * malformed entry, so a typo stops the start instead of refusing every sync later.
 */
export function parseAllowedHosts(entries: readonly string[]): OperatorEntry[] {
  const key = entries.join(',');
  const cached = operatorCache.get(key);
  if (cached) return cached;
  const parsed: OperatorEntry[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const scoped = /^([a-z][a-z0-9_]*)=(.+)$/.exec(entry);
    const pattern = (scoped ? scoped[2]! : entry).trim();
    try {
      parsed.push({ connector: scoped ? scoped[1]! : null, pattern, match: compileHostPattern(pattern) });
    } catch (error) {
      throw new Error(`TRIBUTARY_ALLOWED_HOSTS entry "${raw.trim()}": ${(error as Error).message} Use host, *.domain, or connector=host.`);
    }
  }
  operatorCache.set(key, parsed);
  return parsed;
}

function matcherFor(pattern: string): HostMatcher {
  let match = patternCache.get(pattern);
  if (!match) {
    match = compileHostPattern(pattern);
    patternCache.set(pattern, match);
  }
  return match;
}

export function credentialDestinations(input: CredentialDestinationInput): CredentialDestinations {
  const manifestMatchers = input.patterns.map(matcherFor);
  const exact = new Set<string>();
  for (const host of input.exactHosts ?? []) {
    try {
      exact.add(normalizeHost(host));
    } catch {
      // An unparsable pinned host allows nothing.
    }
  }
  const operator = parseAllowedHosts(input.allowedHosts).filter((e) => e.connector === null || e.connector === input.connectorId);
  const privateHosts = createHostAllowlist(input.allowPrivateHosts);

  function allows(url: URL): boolean {
    const host = url.hostname;
    let normalized: string;
    try {
      normalized = normalizeHost(host);
    } catch {
      return false;
    }
    if (exact.has(normalized)) return true;
    if (manifestMatchers.some((m) => m(host))) return true;
    if (operator.some((e) => e.match(host))) return true;
    return privateHosts.has(host, effectivePort(url));
  }

  return {
    allows,
    check(url) {
      if (allows(url)) return;
      throw new HttpError({ kind: 'config', code: 'credential_host_not_allowed', url: url.href, message: refusal(input, url) });
    },
  };
}

/** The refusal, naming the host, the hosts that are allowed, and the setting that would allow it on purpose. */
function refusal(input: Pick<CredentialDestinationInput, 'connectorId' | 'patterns'>, url: URL): string {
  const host = url.hostname;
  const hostPort = `${host}:${effectivePort(url)}`;
  const privateHint = isIpLiteral(host.replace(/^\[|\]$/g, '')) ? `, or for a private address TRIBUTARY_ALLOW_PRIVATE_HOSTS=${hostPort}` : '';
  return (
    `credential_host_not_allowed: ${input.connectorId} credentials are not sent to ${host} (${redactUrl(url)}): ` +
    `it is not one of the connector's allowed hosts (${input.patterns.join(', ')}). ` +
    `To allow it on purpose, the operator sets TRIBUTARY_ALLOWED_HOSTS=${input.connectorId}=${host}${privateHint}.`
  );
}
