import { isIPv6 } from 'node:net';

/**
 * The operator's exceptions to the SSRF rules (`TRIBUTARY_ALLOW_PRIVATE_HOSTS`): exact `host:port` pairs, so
 * allowing a sandbox on `127.0.0.1:4010` does not open the rest of the machine. Hosts are normalised the way
 * WHATWG URL does, so `127.1:4010` in the list and `http://127.0.0.1:4010` in a request match.
 */
export interface HostAllowlist {
  has(host: string, port: number): boolean;
}

/** `example.com`, `127.0.0.1`, `[::1]`: lower-case, IPv6 bracketed and compressed, no trailing dot. */
export function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const parsed = new URL(isIPv6(bare) ? `http://[${bare}]/` : `http://${bare}/`);
  return parsed.hostname.replace(/\.+$/, '');
}

/** The port a URL will connect to, filling in the scheme's default that `URL.port` leaves empty. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

export function createHostAllowlist(entries: readonly string[]): HostAllowlist {
  const keys = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new Error(`allowPrivateHosts entry "${entry}" must be host:port (e.g. 127.0.0.1:4010 or [::1]:4010)`);
    }
    keys.add(`${normalizeHost(match[1])}:${Number(match[2])}`);
  }
  return {
    has(host, port) {
      if (keys.size === 0) return false;
      try {
        return keys.has(`${normalizeHost(host)}:${port}`);
      } catch {
        return false;
      }
    },
  };
}
