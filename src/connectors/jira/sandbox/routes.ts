import type { RecordStore, SandboxRequest, SandboxResponse, SimulatorOverride } from '../../kit/sandbox/index.js';
import { accessibleResourcesPath, gatewayPath, type Caller } from './callers.js';
import type { JiraIssues } from './issues.js';
import { accessibleResources, issue, myself } from './objects.js';
import { searchProjects } from './projects-endpoint.js';
import { gatewayError, type JiraRateLimits, jiraError, messages, rateHeaders, rateLimited } from './responses.js';
import { searchEndpoint } from './search-endpoint.js';
import type { JiraWorld } from './world.js';

/**
 * Jira's API over the kit's stores, as one override that answers every path (the callers are already checked):
 * the per-credential budget, then the site's `/rest/api/3/…` or the gateway's `/ex/jira/<cloud id>/rest/api/3/…`
 * (`myself`, `project/search`, `search/jql`, `issue/{idOrKey}`), and `accessible-resources`. Every `self` link
 * points back where the request came in, as Jira's do.
 */
export interface JiraRoutesInput {
  world: JiraWorld;
  issues: JiraIssues;
  projects: RecordStore;
  callerOf: (req: SandboxRequest) => Caller;
  limits: JiraRateLimits;
  rateLimit: number;
}

export function jiraRoutes(input: JiraRoutesInput): SimulatorOverride {
  const { world, issues, projects, limits } = input;

  function route(req: SandboxRequest, path: string, api: string, anonymous: boolean): SandboxResponse {
    const method = req.method;
    if (path === '/rest/api/3/myself' && method === 'GET') {
      return anonymous ? jiraError(401, messages.unauthenticated) : { status: 200, body: myself(world, api) };
    }
    if (path === '/rest/api/3/project/search' && method === 'GET') {
      return searchProjects(req, api, world, anonymous ? null : projects.list().map((entry) => world.projects[entry.index]!));
    }
    if (path === '/rest/api/3/search/jql' && (method === 'GET' || method === 'POST')) return searchEndpoint(req, api, { issues, world, anonymous });
    const single = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path);
    if (single && method === 'GET') return oneIssue(decodeURIComponent(single[1]!), api, anonymous);
    return jiraError(404, `null for uri: ${api}${path}`);
  }

  /** `GET /rest/api/3/issue/{idOrKey}`: every field, as that endpoint's default is. */
  function oneIssue(idOrKey: string, api: string, anonymous: boolean): SandboxResponse {
    const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(idOrKey);
    const project = match ? world.findProject(match[1]!) : null;
    const entry = project && match ? issues.find(project.index, Number(match[2])) : issues.byId(idOrKey);
    if (anonymous || !entry) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    const { top, fields } = issue(world, api, issues.facts(entry));
    return { status: 200, body: { ...top, fields } };
  }

  return (req) => {
    const caller = input.callerOf(req);
    if (caller.kind === 'refused') return caller.response;
    const rate = caller.kind === 'user' ? limits.hit(caller.credential) : null;
    if (rate?.exhausted) return rateLimited(input.rateLimit, Math.max(1, rate.reset - Math.floor(Date.now() / 1000)), 'jira-burst-based', Date.now());
    const headers = rate ? rateHeaders(rate) : {};
    const path = req.url.pathname;
    let answer: SandboxResponse;
    if (path === accessibleResourcesPath) {
      answer = { status: 200, body: accessibleResources(world, ['read:jira-work', 'read:jira-user']) };
    } else {
      const gateway = gatewayPath.exec(path);
      if (gateway && gateway[1] !== world.cloudId) answer = gatewayError(404, 'Not Found');
      else if (gateway) answer = route(req, gateway[2] ?? '/', `${req.origin}/ex/jira/${gateway[1]}`, caller.kind === 'anonymous');
      else answer = route(req, path, req.origin, caller.kind === 'anonymous');
    }
    return { ...answer, headers: { ...headers, ...answer.headers } };
  };
}
