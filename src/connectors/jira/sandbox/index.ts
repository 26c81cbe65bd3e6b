import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { createSimulator, hash32, RecordStore, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { AtlassianOAuth, JIRA_SANDBOX_CLIENT_ID, JIRA_SANDBOX_CLIENT_SECRET } from './atlassian-oauth.js';
import { callers } from './callers.js';
import { JiraIssues } from './issues.js';
import { manifest } from '../manifest.js';
import { issueKey } from './objects.js';
import { errorBody, faultResponse, JiraRateLimits, RequestIds, requestHeaders } from './responses.js';
import { jiraRoutes } from './routes.js';
import { JiraWorld } from './world.js';

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

/** What `GET /_sandbox/info` returns. */
export interface JiraSandboxInfo {
  provider: 'jira';
  seed: number;
  email: string;
  site_url: string;
  cloud_id: string;
  time_zone: string;
  /** The sandbox clock: when the latest change happened (or the end of the seeded data), ISO. */
  clock: string;
  counts: { projects: number; issues: number };
  projects: { id: string; key: string; name: string; issues: number }[];
}

export interface JiraSandboxHandle extends SandboxHandle {
  /** The account email that goes with `token` in Basic auth. */
  email: string;
  cloudId: string;
  oauth: NonNullable<SandboxHandle['oauth']>;
  connectConfig: Record<string, unknown>;
  info(): JiraSandboxInfo;
  stats(): StatsSnapshot;
}

/**
 * Starts the Jira Cloud simulator: the kit's simulator with `records` issues over two to eight projects of one
 * site in its stores, served as the site (Basic auth), the api.atlassian.com gateway (OAuth) and
 * auth.atlassian.com at once; Jira's callers, JQL search, error bodies, rate limits and change batches are the
 * provider's part (callers.ts, routes.ts, responses.ts, issues.ts).
 *
 * @example
 * const sandbox = await createJiraSandbox({ port: 0, records: 1000, seed: 42 });
 * const auth = 'Basic ' + Buffer.from(`${sandbox.email}:${sandbox.token}`).toString('base64');
 * const res = await fetch(`${sandbox.url}/rest/api/3/myself`, { headers: { authorization: auth } });
 * await sandbox.close();
 */
export async function createJiraSandbox(options: JiraSandboxOptions): Promise<JiraSandboxHandle> {
  const token = options.token ?? DEFAULT_JIRA_SANDBOX_TOKEN;
  const email = (options.email ?? DEFAULT_JIRA_SANDBOX_EMAIL).toLowerCase();
  const issues = new JiraIssues(options.seed, options.records);
  const world = new JiraWorld(options.seed, issues.projectCount, email);
  const projects = new RecordStore({
    make: (index) => ({ id: world.projects[index]!.id }),
    keyOf: (record) => String(record['id']),
    count: world.projects.length,
    clock: issues.clock,
    secret: hash32(options.seed, 0x9e0),
  });
  const oauth = new AtlassianOAuth({ clientId: options.clientId ?? JIRA_SANDBOX_CLIENT_ID, clientSecret: options.clientSecret ?? JIRA_SANDBOX_CLIENT_SECRET });
  const callerOf = callers({ email, token, oauth });
  const rateLimit = options.rateLimit ?? 500;
  const requestIds = new RequestIds(options.seed);
  const sandbox = await createSimulator({
    manifest,
    streams: {},
    provider: {
      name: 'jira',
      // The printed token also works as a bearer token, for trying the gateway without running the OAuth flow.
      oauth,
      stores: { projects, issues: issues.store },
      authorize: (req) => {
        const caller = callerOf(req);
        return caller.kind === 'refused' ? caller.response : undefined;
      },
      errorBody: (_status, _code, message) => errorBody([message]),
      fault: (fault) => faultResponse(fault, rateLimit, Date.now()),
      finish: (res) => ({ ...res, headers: { ...requestHeaders(requestIds.next()), ...res.headers } }),
      overrides: { jira: jiraRoutes({ world, issues, projects, callerOf, limits: new JiraRateLimits(rateLimit, options.enforceRateLimit ?? false), rateLimit }) },
      changes: (change) => ({ ...issues.apply(change, (project, number) => issueKey(world, project, number)) }),
      info: () => ({
        email,
        site_url: world.siteUrl,
        cloud_id: world.cloudId,
        time_zone: world.timeZone,
        projects: world.projects.map((p) => ({ id: p.id, key: p.key, name: p.name, issues: issues.store.liveCount(String(p.index)) })),
      }),
    },
    options: { port: options.port, records: options.records, seed: options.seed, token, clock: issues.clock, ...(options.host === undefined ? {} : { host: options.host }) },
  });
  return {
    url: sandbox.url,
    port: sandbox.port,
    token,
    email,
    cloudId: world.cloudId,
    oauth: sandbox.oauth!,
    // The sandbox is the site, the gateway and the authorization server at once: one base URL serves an API-token
    // connection, and an OAuth one until `afterAuthorization` moves it to `<url>/ex/jira/<cloud id>`.
    connectConfig: sandbox.connectConfig ?? {},
    info: () => sandbox.info() as unknown as JiraSandboxInfo,
    stats: () => sandbox.stats(),
    close: () => sandbox.close(),
  };
}
