import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which address ranges an outbound call may reach. Only `public` is reachable; every other name says why an
 * address is refused, so a log can explain a blocked call without echoing credentials.
 *
 * The input is an address as `new URL().hostname` (brackets allowed) or `dns.lookup` produce it: WHATWG URL
 * parsing has already turned decimal, octal, hex and short IPv4 spellings into dotted quads, so this module
 * only needs the canonical forms, and rejects anything else as `invalid` rather than guessing.
 */
export type IpRange =
  | 'public'
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'cloud-metadata'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'ietf-protocol'
  | 'ipv4-compatible'
  | 'teredo'
  | 'site-local';

interface V4Rule {
  base: number;
  bits: number;
  range: IpRange;
}

function v4(cidr: string, range: IpRange): V4Rule {
  const [address = '', bits = '32'] = cidr.split('/');
  return { base: parseIPv4(address) ?? 0, bits: Number(bits), range };
}

// Order matters: the first match wins, so the narrow metadata entries come before the ranges holding them.
const V4_RULES: V4Rule[] = [
  v4('169.254.169.254/32', 'cloud-metadata'), // AWS, GCP, Azure, OpenStack instance metadata
  v4('168.63.129.16/32', 'cloud-metadata'), // Azure WireServer: a public-looking address only VMs can reach
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'), // "this network": Linux connects 0.0.0.0 to localhost
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'), // CGNAT; also Alibaba's metadata at 100.100.100.200
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'ietf-protocol'), // includes Oracle Cloud's metadata at 192.0.0.192
  v4('192.0.2.0/24', 'documentation'),
  v4('192.31.196.0/24', 'reserved'), // AS112
  v4('192.52.193.0/24', 'reserved'), // AMT
  v4('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  v4('192.168.0.0/16', 'private'),
  v4('192.175.48.0/24', 'reserved'), // AS112 direct delegation
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

function parseIPv4(address: string): number | null {
  if (!isIPv4(address)) return null;
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function classifyV4(value: number): IpRange {
  for (const rule of V4_RULES) {
    const size = 2 ** (32 - rule.bits);
    if (Math.floor(value / size) === Math.floor(rule.base / size)) return rule.range;
  }
  return 'public';
}

/** Eight 16-bit words, or null when the text is not an IPv6 address. Zone ids (`%eth0`) are dropped. */
function parseIPv6(text: string): number[] | null {
  const address = text.replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let body = address;
  const lastColon = body.lastIndexOf(':');
  const dotted = body.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // Rewrite a trailing dotted quad (`::ffff:1.2.3.4`) as two hex words so one parser handles both forms.
    const value = parseIPv4(dotted);
    if (value === null) return null;
    body = `${body.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const parseWords = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const left = parseWords(head);
  const right = rest === undefined ? [] : parseWords(rest);
  const words = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

function embeddedV4(words: number[], hi: number): number {
  return (words[hi] ?? 0) * 65536 + (words[hi + 1] ?? 0);
}

function classifyV6(w: number[]): IpRange {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  const zeroUpTo = (n: number): boolean => w.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && w7 === 1) return 'loopback';
  // Forms that carry an IPv4 address the kernel or a translator may route to: judge the embedded address.
  if (zeroUpTo(5) && w5 === 0xffff) return classifyV4(embeddedV4(w, 6)); // ::ffff:a.b.c.d mapped
  if (zeroUpTo(4) && w4 === 0xffff && w5 === 0) return classifyV4(embeddedV4(w, 6)); // ::ffff:0:a.b.c.d SIIT
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return classifyV4(embeddedV4(w, 6)); // 64:ff9b::/96 well-known NAT64 prefix
  }
  if (w0 === 0x2002) return classifyV4(embeddedV4(w, 1)); // 6to4
  // Deprecated ::a.b.c.d has no legitimate use today; refuse the whole /96 instead of judging the tail.
  if (zeroUpTo(6)) return 'ipv4-compatible';
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 1) return 'private'; // 64:ff9b:1::/48 local-use NAT64
  if (w0 === 0xfd00 && w1 === 0xec2 && w2 + w3 + w4 + w5 + w6 === 0 && w7 === 0x254) return 'cloud-metadata'; // AWS IMDS
  if ((w0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((w0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((w0 & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is allocated global unicast; anything else (100::/64 discard, 5f00::/16 SRv6...) is reserved.
  if ((w0 & 0xe000) !== 0x2000) return 'reserved';
  if (w0 === 0x2001 && w1 === 0) return 'teredo'; // client address is obfuscated; refuse rather than decode
  if (w0 === 0x2001 && w1 === 0xdb8) return 'documentation';
  if (w0 === 0x3fff && (w1 & 0xf000) === 0) return 'documentation'; // 3fff::/20
  if (w0 === 0x2001 && w1 < 0x200) return 'ietf-protocol'; // 2001::/23: benchmarking, ORCHID, AMT, AS112
  return 'public';
}

/** The range an IP address falls in; `invalid` when the text is not an IP address at all. */
export function classifyIp(address: string): IpRange {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const value4 = parseIPv4(bare);
  if (value4 !== null) return classifyV4(value4);
  const words = parseIPv6(bare);
  return words === null ? 'invalid' : classifyV6(words);
}

/** True only for addresses on the public internet; anything unparseable counts as not public. */
export function isPublicIp(address: string): boolean {
  return classifyIp(address) === 'public';
}

/** True when the text is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv4(bare) || isIPv6(bare);
}
