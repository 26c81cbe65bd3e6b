import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { JiraApi, type JiraSandboxInfo } from './api.js';
import { JIRA_SANDBOX_CLIENT_ID, JIRA_SANDBOX_CLIENT_SECRET } from './atlassian-oauth.js';

export type { JiraSandboxInfo };
export { JIRA_SANDBOX_CLIENT_ID, JIRA_SANDBOX_CLIENT_SECRET };

/** The API token accepted when none is given; printed by `tributary sandbox jira`. */
export const DEFAULT_JIRA_SANDBOX_TOKEN = 'ATATT3xFfGF0sandbox0tributary0000000000000000';
/** The account email Basic auth pairs with the token (Jira checks both); shown by `GET /_sandbox/info`. */
export const DEFAULT_JIRA_SANDBOX_EMAIL = 'sandbox@tributary.dev';

export interface JiraSandboxOptions extends SandboxOptions {
  /** Requests a minute per credential (`X-RateLimit-Limit`). Default 500. */
  rateLimit?: number;
  /** Refuse requests once the minute's budget is spent (429, Retry-After). Default false: the window restarts. */
  enforceRateLimit?: boolean;
  /** The account email (default `sandbox@tributary.dev`). */
  email?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface JiraSandboxHandle extends SandboxHandle {
  /** The account email that goes with `token` in Basic auth. */
  email: string;
  cloudId: string;
  oauth: NonNullable<SandboxHandle['oauth']>;
  connectConfig: Record<string, unknown>;
  info(): JiraSandboxInfo;
  stats(): StatsSnapshot;
  api: JiraApi;
}

/**
 * Starts the Jira Cloud simulator: `records` issues over two to eight projects of one site, generated on the fly from
 * `seed`, served as the site (Basic auth), the api.atlassian.com gateway (OAuth) and auth.atlassian.com at once.
 *
 * @example
 * const sandbox = await createJiraSandbox({ port: 0, records: 1000, seed: 42 });
 * const auth = 'Basic ' + Buffer.from(`${sandbox.email}:${sandbox.token}`).toString('base64');
 * const res = await fetch(`${sandbox.url}/rest/api/3/myself`, { headers: { authorization: auth } });
 * await sandbox.close();
 */
export async function createJiraSandbox(options: JiraSandboxOptions): Promise<JiraSandboxHandle> {
  const token = options.token ?? DEFAULT_JIRA_SANDBOX_TOKEN;
  const api = new JiraApi({
    seed: options.seed,
    records: options.records,
    token,
    email: options.email ?? DEFAULT_JIRA_SANDBOX_EMAIL,
    clientId: options.clientId ?? JIRA_SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? JIRA_SANDBOX_CLIENT_SECRET,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  const oauth = api.oauth.endpoints(server.url);
  return {
    url: server.url,
    port: server.port,
    token,
    email: api.world.email(),
    cloudId: api.world.cloudId,
    oauth,
    // The sandbox is the site, the gateway and the authorization server at once: one base URL serves an API-token
    // connection, and an OAuth one until `afterAuthorization` moves it to `<url>/ex/jira/<cloud id>`.
    connectConfig: { base_url: server.url, ...oauthOverrides(oauth) },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    close: () => server.close(),
    api,
  };
}
