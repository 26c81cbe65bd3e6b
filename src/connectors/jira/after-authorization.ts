import { type AfterAuthorization, AppError } from '../kit/index.js';
import { asObjects, stringList, type JiraObject } from './stream-support.js';

/**
 * Right after the OAuth code exchange: which site the token reaches. `GET /oauth/token/accessible-resources` on the
 * gateway lists every site the user granted (one grant per app and account covers them all); the connection takes
 * the one named by `config.site_url`, else the first with Jira scopes, and from then on talks to
 * `<gateway>/ex/jira/<cloud id>` — 3LO tokens are refused by the site itself.
 */
const gatewayPrefix = /\/ex\/jira\/[^/]+\/?$/;

/** The gateway origin: the connection's base URL without any `/ex/jira/<id>` (a re-authorization keeps it). */
function gatewayOf(config: Record<string, unknown>): string | null {
  const base = typeof config['base_url'] === 'string' && config['base_url'].trim() !== '' ? config['base_url'].trim() : null;
  if (base === null) return null;
  const url = new URL(base);
  if (url.hostname.endsWith('.atlassian.net')) {
    throw new AppError(
      'validation_failed',
      'With OAuth, leave config.base_url empty (requests go through https://api.atlassian.com); put your site in config.site_url to choose it.',
      { field: 'config.base_url' },
    );
  }
  return `${url.origin}${url.pathname.replace(gatewayPrefix, '').replace(/\/+$/, '')}`;
}

function sameSite(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return new URL(a).host.toLowerCase() === new URL(b).host.toLowerCase();
  } catch {
    return false;
  }
}

export const afterAuthorization: AfterAuthorization = async ({ http, config }) => {
  const gateway = gatewayOf(config);
  // Relative to the default base URL (the gateway itself) unless the connection points elsewhere (a sandbox).
  const url = gateway === null ? '/oauth/token/accessible-resources' : `${gateway}/oauth/token/accessible-resources`;
  const resources = asObjects((await http.get<unknown>(url)).body);
  const wanted = config['site_url'];
  const isJira = (resource: JiraObject) => stringList(resource['scopes']).some((scope) => scope.includes('jira'));
  const site = wanted ? resources.find((resource) => sameSite(resource['url'], wanted)) : (resources.find(isJira) ?? resources[0]);
  if (!site || typeof site['id'] !== 'string') {
    const names = resources.map((resource) => String(resource['url'])).join(', ') || 'none';
    throw new AppError('validation_failed', wanted ? `The token does not reach ${String(wanted)} (it reaches: ${names}).` : 'The token reaches no Jira site: grant a site on the consent screen.');
  }
  const cloudId = site['id'];
  return {
    cloud_id: cloudId,
    ...(typeof site['url'] === 'string' ? { site_url: site['url'] } : {}),
    base_url: `${gateway ?? 'https://api.atlassian.com'}/ex/jira/${encodeURIComponent(cloudId)}`,
  };
};
