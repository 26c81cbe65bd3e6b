/** Hosts RFC 8252 §7.3 lets a native client listen on over plain http. */
const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why a redirect URI may not be registered, or undefined when it may: an absolute https URL, or plain http to a
 * loopback address (a native app's local listener, RFC 8252 §7.3). Never a fragment (RFC 6749 §3.1.2) nor
 * userinfo; codes must not travel unencrypted to anyone else.
 */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${clip(value)}" is not an absolute URL`;
  }
  if (url.hash || value.includes('#')) return `${clip(value)} has a fragment`;
  if (url.username || url.password) return `${clip(value)} carries credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) return undefined;
  return `${clip(value)} must use https (plain http only to a loopback address: 127.0.0.1, [::1] or localhost)`;
}

function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
