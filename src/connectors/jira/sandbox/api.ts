import {
  type ActiveFault,
  basicOf,
  bearerOf,
  type ChangeRequest,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { AtlassianOAuth } from './atlassian-oauth.js';
import { accessibleResources, issue, issueKey, myself } from './objects.js';
import { searchProjects } from './projects-endpoint.js';
import { commonHeaders, faultResponse, gatewayError, JiraRateLimits, jiraError, messages, rateLimited, RequestIds } from './responses.js';
import { searchIssues } from './search-endpoint.js';
import { SearchIndex } from './search.js';
import { JiraStore, type ChangeResult } from './store.js';
import { JiraWorld } from './world.js';

/**
 * The simulated Jira Cloud: one origin playing three Atlassian hosts.
 * - The site (`https://<site>.atlassian.net`): `/rest/api/3/…` with HTTP Basic (email + API token). Nobody signed in
 *   is an anonymous user who may browse nothing; a wrong email or token is Jira's plain-text 401.
 * - The gateway (`https://api.atlassian.com`): `/ex/jira/<cloud id>/rest/api/3/…` with an OAuth bearer token (or
 *   Basic, as scoped API tokens use it), and `/oauth/token/accessible-resources`.
 * - The authorization server (`https://auth.atlassian.com`): `/authorize` and `/oauth/token`, through `oauth`.
 * Everything it serves is computed from the store on each request.
 */
export interface JiraApiOptions {
  seed: number;
  records: number;
  /** The API token (and the static bearer token) accepted. */
  token: string;
  /** The account email that goes with it in Basic auth. */
  email: string;
  clientId: string;
  clientSecret: string;
  /** Requests a minute per credential (`X-RateLimit-Limit`). Default 500. */
  rateLimit?: number;
  /** Refuse requests once the minute's budget is spent, with 429 and Retry-After. Default false. */
  enforceRateLimit?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface JiraSandboxInfo {
  provider: 'jira';
  seed: number;
  email: string;
  site_url: string;
  cloud_id: string;
  time_zone: string;
  /** The sandbox clock: when the latest change happened (or just after the seeded data), ISO. */
  clock: string;
  counts: { projects: number; issues: number };
  projects: { id: string; key: string; name: string; issues: number }[];
}

type Caller = { kind: 'user'; credential: string } | { kind: 'anonymous' } | { kind: 'refused'; response: SandboxResponse };

const gatewayPath = /^\/ex\/jira\/([^/]+)(\/.*)?$/;

export class JiraApi implements SandboxProvider {
  readonly store: JiraStore;
  readonly world: JiraWorld;
  readonly oauth: AtlassianOAuth;
  private readonly index: SearchIndex;
  private readonly limits: JiraRateLimits;
  private readonly requestIds: RequestIds;
  private readonly rateLimit: number;

  constructor(private readonly options: JiraApiOptions) {
    this.store = new JiraStore(options.seed, options.records);
    this.world = new JiraWorld(options.seed, this.store.layout.projectCount, options.email.toLowerCase());
    this.index = new SearchIndex(this.store, (k) => [this.world.projects[this.store.projectOf(k)]!.key, this.store.numberOf(k)]);
    this.rateLimit = options.rateLimit ?? 500;
    this.limits = new JiraRateLimits(this.rateLimit, options.enforceRateLimit ?? false);
    this.requestIds = new RequestIds(options.seed);
    this.oauth = new AtlassianOAuth({ clientId: options.clientId, clientSecret: options.clientSecret });
    // The printed token also works as a bearer token, for trying the gateway without running the OAuth flow.
    this.oauth.addStaticToken(options.token);
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.requestIds.next();
    const path = req.url.pathname;
    const gateway = gatewayPath.exec(path);
    const onGateway = gateway !== null || path === '/oauth/token/accessible-resources';
    const caller = onGateway ? this.gatewayCaller(req, path === '/oauth/token/accessible-resources') : this.siteCaller(req);
    if (caller.kind === 'refused') return withHeaders(caller.response, commonHeaders(requestId, null));
    const rate = caller.kind === 'user' ? this.limits.hit(caller.credential) : null;
    if (rate?.exhausted) return rateLimited(requestId, this.rateLimit, Math.max(1, rate.reset - Math.floor(Date.now() / 1000)), 'jira-burst-based', Date.now());
    const headers = commonHeaders(requestId, rate);

    if (path === '/oauth/token/accessible-resources') {
      return withHeaders({ status: 200, body: accessibleResources(this.world, ['read:jira-work', 'read:jira-user']) }, headers);
    }
    let api = req.origin;
    let rest = path;
    if (gateway) {
      if (gateway[1] !== this.world.cloudId) return withHeaders(gatewayError(404, 'Not Found'), headers);
      api = `${req.origin}/ex/jira/${gateway[1]}`;
      rest = gateway[2] ?? '/';
    }
    return withHeaders(this.route(req, rest, api, caller.kind === 'anonymous'), headers);
  }

  renderFault(fault: ActiveFault): SandboxResponse {
    return faultResponse(fault, this.requestIds.next(), this.rateLimit, Date.now());
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    return this.store.applyChanges(change, (k) => ({ id: this.world.issueId(k), key: issueKey(this.store, this.world, k) }));
  }

  info(): JiraSandboxInfo {
    const counts = this.store.counts();
    return {
      provider: 'jira',
      seed: this.options.seed,
      email: this.world.email(),
      site_url: this.world.siteUrl,
      cloud_id: this.world.cloudId,
      time_zone: this.world.timeZone,
      clock: new Date(this.store.now()).toISOString(),
      counts: { projects: this.world.projects.length, issues: counts.reduce((sum, n) => sum + n, 0) },
      projects: this.world.projects.map((p) => ({ id: p.id, key: p.key, name: p.name, issues: counts[p.index]! })),
    };
  }

  /** The site takes Basic auth only; no header at all is an anonymous user. */
  private siteCaller(req: SandboxRequest): Caller {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
    const basic = basicOf(req);
    if (basic) {
      if (basic.username.toLowerCase() === this.world.email() && basic.password === this.options.token) return { kind: 'user', credential: `basic:${basic.username}` };
      return { kind: 'refused', response: { status: 401, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: messages.basicFailed } };
    }
    // An OAuth token sent to the site instead of the gateway.
    return { kind: 'refused', response: { status: 401, body: { message: messages.bearerOnSite, 'status-code': 401 } } };
  }

  /** The gateway takes OAuth bearer tokens, and Basic with an API token; accessible-resources only the former. */
  private gatewayCaller(req: SandboxRequest, bearerOnly: boolean): Caller {
    const bearer = bearerOf(req);
    if (bearer !== null && this.oauth.accepts(bearer)) return { kind: 'user', credential: 'oauth' };
    const basic = bearerOnly ? null : basicOf(req);
    if (basic && basic.username.toLowerCase() === this.world.email() && basic.password === this.options.token) return { kind: 'user', credential: `basic:${basic.username}` };
    return { kind: 'refused', response: gatewayError(401, 'Unauthorized') };
  }

  private route(req: SandboxRequest, path: string, api: string, anonymous: boolean): SandboxResponse {
    const method = req.method;
    if (path === '/rest/api/3/myself' && method === 'GET') {
      return anonymous ? jiraError(401, messages.unauthenticated) : { status: 200, body: myself(this.world, api) };
    }
    if (path === '/rest/api/3/project/search' && method === 'GET') return searchProjects(req, api, this.world, anonymous);
    if (path === '/rest/api/3/search/jql' && (method === 'GET' || method === 'POST')) {
      return searchIssues(req, api, { store: this.store, world: this.world, index: this.index, anonymous });
    }
    const single = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path);
    if (single && method === 'GET') return this.oneIssue(decodeURIComponent(single[1]!), api, anonymous);
    return jiraError(404, 'null for uri: ' + `${api}${path}`);
  }

  /** `GET /rest/api/3/issue/{idOrKey}`: every field, as that endpoint's default is. */
  private oneIssue(idOrKey: string, api: string, anonymous: boolean): SandboxResponse {
    const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(idOrKey);
    const project = match ? this.world.findProject(match[1]!) : null;
    const k = project && match ? this.store.find(project.index, Number(match[2])) : this.world.indexOfId(idOrKey);
    if (anonymous || k === null || !this.store.exists(k)) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    const { top, fields } = issue(this.store, this.world, api, k);
    return { status: 200, body: { ...top, fields } };
  }
}

function withHeaders(response: SandboxResponse, headers: Record<string, string>): SandboxResponse {
  return { ...response, headers: { ...headers, ...response.headers } };
}
