import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { parseUrl } from './build-url.js';
import { HttpError } from './http-error.js';
import type { SsrfGuard } from './http-types.js';
import { createHostAllowlist, effectivePort, normalizeHost, type HostAllowlist } from './host-allowlist.js';
import { classifyIp, isIpLiteral } from './ip-classify.js';

export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export interface SsrfGuardOptions {
  /** `host:port` pairs that may be private (sandboxes, on-premise providers). */
  allowPrivateHosts?: readonly string[];
  /** DNS resolution; tests inject one to simulate a name that resolves (or rebinds) to loopback. */
  lookup?: ResolveHost;
  /** TCP/TLS connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
}

/** Names that reach the instance itself or its cloud metadata service without any DNS answer being odd. */
const BLOCKED_NAMES = /^(localhost|.+\.localhost|metadata|metadata\.google\.internal|instance-data(\.ec2\.internal)?)$/;

export function createSsrfGuard(options: SsrfGuardOptions = {}): SsrfGuard {
  const allowlist = createHostAllowlist(options.allowPrivateHosts ?? []);
  const resolve: ResolveHost = options.lookup ?? ((hostname) => dnsLookup(hostname, { all: true }));
  const connectTimeout = options.connectTimeoutMs ?? 10_000;

  function checkUrl(input: string | URL): URL {
    const url = typeof input === 'string' ? parseUrl(input) : input;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpError({
        kind: 'config',
        code: 'host_not_allowed',
        url: url.href,
        message: `host_not_allowed: only http and https URLs are allowed, not ${url.protocol}`,
      });
    }
    if (!hostAllowedBeforeDns(url.hostname, effectivePort(url), allowlist)) throw blocked(url.hostname, effectivePort(url), url.href);
    return url;
  }

  // One connector per destination port: the DNS hook sees only the name, but the allowlist is host:port.
  const connectors = new Map<number, buildConnector.connector>();
  function connectorFor(port: number): buildConnector.connector {
    let connector = connectors.get(port);
    if (connector === undefined) {
      connector = buildConnector({ timeout: connectTimeout, lookup: guardedLookup(port) });
      connectors.set(port, connector);
    }
    return connector;
  }

  /**
   * Runs inside `net.connect`, so the addresses checked are the addresses connected to: a DNS answer that
   * flips to 127.0.0.1 after `checkUrl` (rebinding) is caught here. Every address must pass, because the
   * socket may fall back to any of them.
   */
  function guardedLookup(port: number): LookupFunction {
    return (hostname, lookupOptions, callback) => {
      resolve(hostname).then(
        (answers) => {
          const family = Number(String(lookupOptions.family ?? 0).replace(/\D/g, '') || 0);
          const usable = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
          if (usable.length === 0) {
            callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
            return;
          }
          const nameAllowed = allowlist.has(hostname, port);
          if (!nameAllowed && usable.some((a) => classifyIp(a.address) !== 'public' && !allowlist.has(a.address, port))) {
            callback(blocked(hostname, port), '');
            return;
          }
          const [first] = usable;
          if (lookupOptions.all) callback(null, usable);
          else callback(null, first?.address ?? '', first?.family);
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ''),
      );
    };
  }

  const dispatcher = new Agent({
    connect(connectOptions, callback) {
      const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
      // net.connect skips `lookup` for an IP literal, so literals are judged here rather than in the hook.
      if (!hostAllowedBeforeDns(connectOptions.hostname, port, allowlist)) {
        callback(blocked(connectOptions.hostname, port), null);
        return;
      }
      connectorFor(port)(connectOptions, callback);
    },
  });

  return {
    checkUrl,
    dispatcher,
    close: () => dispatcher.close(),
  };
}

/** The checks that need no DNS: allowlist, IP literals in any spelling, and well-known internal names. */
function hostAllowedBeforeDns(hostname: string, port: number, allowlist: HostAllowlist): boolean {
  if (allowlist.has(hostname, port)) return true;
  if (isIpLiteral(hostname)) return classifyIp(hostname) === 'public';
  let name: string;
  try {
    name = normalizeHost(hostname);
  } catch {
    return false;
  }
  return !BLOCKED_NAMES.test(name) && name !== '';
}

/** The refusal says how to allow the host on purpose (a sandbox, an on-premise provider), with its host:port. */
function blocked(host: string, port: number, url?: string): HttpError {
  const shown = isIpLiteral(host) && host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new HttpError({
    kind: 'config',
    code: 'host_not_allowed',
    ...(url === undefined ? {} : { url }),
    message: `host_not_allowed: ${shown} resolves to a private or reserved address; to allow it on purpose, set TRIBUTARY_ALLOW_PRIVATE_HOSTS=${shown}:${port}`,
  });
}
