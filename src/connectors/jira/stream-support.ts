import { AppError, configList, isHttpError, isObject, type StreamContext, stringList } from '../kit/index.js';
import { isTimeZone } from './time-zone.js';

/** What the Jira streams share: configuration checks, the user's time zone, and reading Jira's values. */

export type JiraObject = Record<string, unknown>;

const projectKey = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * API-token connections must name their site: Atlassian has no common host for them, and the manifest's default
 * (the OAuth gateway) answers 404 there. OAuth connections get theirs from `afterAuthorization`.
 */
export function requireSite(config: Record<string, unknown>): void {
  const base = config['base_url'];
  if (typeof base === 'string' && base.trim() !== '') return;
  throw new AppError(
    'validation_failed',
    'config.base_url is required with an API token: set it to your Jira site, like https://your-domain.atlassian.net (or connect with OAuth).',
    { field: 'config.base_url' },
  );
}

/**
 * The `projects` config field (a comma list, or an array) as upper-case keys; null when unset. Keys separated by
 * spaces only are split too, as they always were: the form's pattern is not enforced on API-set config.
 */
export function configuredProjects(config: Record<string, unknown>): string[] | null {
  const list = configList(config, 'projects').flatMap((item) => item.split(/\s+/));
  const keys = [...new Set(list.map((key) => key.toUpperCase()))];
  if (keys.length === 0) return null;
  for (const key of keys) {
    if (!projectKey.test(key)) throw new AppError('validation_failed', `projects: "${key}" is not a Jira project key`, { field: 'config.projects' });
  }
  return keys;
}

/**
 * The time zone of the account's profile, in which Jira reads JQL dates; null when the profile has none this
 * runtime knows, or the token may not read it. Bad credentials still fail here, as they would on the next call.
 */
export async function userTimeZone(ctx: StreamContext): Promise<string | null> {
  try {
    const response = await ctx.http.get<JiraObject>('/rest/api/3/myself', undefined, { signal: ctx.signal });
    const zone = response.body['timeZone'];
    return isTimeZone(zone) ? zone : null;
  } catch (error) {
    if (isHttpError(error) && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

export { stringList };

export function asObjects(value: unknown): JiraObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
