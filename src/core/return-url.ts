/**
 * May the browser be sent to `candidate` after an OAuth callback? Only to the server's own public URL or an
 * operator-listed prefix (`TRIBUTARY_OAUTH_RETURN_URLS`), or the callback is an open redirect. Prefixes are
 * compared as URLs, not strings: same scheme, host and port, and a path under the prefix's path at a segment
 * boundary — so `https://app.example.com` does not admit `https://app.example.com.evil.net` or
 * `https://app.example.com@evil.net`, and `/app` does not admit `/application`.
 */
export function isAllowedReturnUrl(candidate: string, prefixes: readonly string[], publicUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return false;
  return [publicUrl, ...prefixes].some((prefix) => underPrefix(url, prefix));
}

function underPrefix(url: URL, prefix: string): boolean {
  let base: URL;
  try {
    base = new URL(prefix);
  } catch {
    return false;
  }
  if (url.origin !== base.origin) return false;
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return url.pathname === base.pathname || url.pathname.startsWith(basePath);
}
