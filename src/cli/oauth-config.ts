import type { OAuthApps } from '../services/oauth/oauth-client.js';

const APP_VAR = /^TRIBUTARY_OAUTH_([A-Z][A-Z0-9_]*)_CLIENT_ID$/;

/**
 * The operator's OAuth apps, one per connector: `TRIBUTARY_OAUTH_<CONNECTOR_ID_UPPER>_CLIENT_ID` and
 * `_CLIENT_SECRET` (e.g. TRIBUTARY_OAUTH_GITHUB_CLIENT_ID), and the return-URL allowlist
 * `TRIBUTARY_OAUTH_RETURN_URLS` (comma list of URL prefixes). A half-configured app is an error at start,
 * not a failed authorization later.
 */
export function readOAuthConfig(env: NodeJS.ProcessEnv): { oauthApps: OAuthApps; oauthReturnUrls: string[] } {
  const oauthApps: OAuthApps = {};
  for (const [name, value] of Object.entries(env)) {
    const match = APP_VAR.exec(name);
    if (!match || !value) continue;
    const secretVar = name.replace(/_CLIENT_ID$/, '_CLIENT_SECRET');
    const secret = env[secretVar];
    if (!secret) throw new Error(`${name} is set but ${secretVar} is not: set both, or neither.`);
    oauthApps[match[1]!.toLowerCase()] = { clientId: value.trim(), clientSecret: secret.trim() };
  }
  const oauthReturnUrls = (env['TRIBUTARY_OAUTH_RETURN_URLS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const prefix of oauthReturnUrls) {
    let url: URL | undefined;
    try {
      url = new URL(prefix);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new Error(`TRIBUTARY_OAUTH_RETURN_URLS entries must be http(s) URL prefixes, got "${prefix}".`);
    }
  }
  return { oauthApps, oauthReturnUrls };
}
