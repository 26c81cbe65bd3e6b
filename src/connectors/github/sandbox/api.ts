import {
  type ActiveFault,
  type ChangeRequest,
  isoSeconds,
  parseIsoSeconds,
  type RateWindowState,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { githubOAuth } from './oauth-app.js';
import { authenticatedUser, GithubWorld, issue, pullRequest, repository } from './objects.js';
import { commonHeaders, errorBody, faultResponse, GithubRateLimits, RequestIds } from './responses.js';
import { GithubStore } from './store.js';
import { ListIndex, type ListQuery } from './views.js';

/**
 * The simulated REST API: routing, authentication, pagination and GitHub's headers. Everything it serves
 * is computed from the store on each request.
 */
export interface GithubApiOptions {
  seed: number;
  records: number;
  token: string;
  /** Requests an hour per token (`x-ratelimit-limit`). Default 5,000. */
  rateLimit?: number;
  /** Refuse requests once the hour's budget is spent, as GitHub does. Default false: the window restarts. */
  enforceRateLimit?: boolean;
}

type Route =
  | { name: 'user' }
  | { name: 'user_repos' }
  | { name: 'rate_limit' }
  | { name: 'repo'; repo: number }
  | { name: 'issues'; repo: number }
  | { name: 'issue'; repo: number; number: number }
  | { name: 'pulls'; repo: number }
  | { name: 'pull'; repo: number; number: number };

interface Paging {
  perPage: number;
  page: number;
}

/** What `GET /_sandbox/info` returns. */
export interface GithubSandboxInfo {
  provider: 'github';
  seed: number;
  owner: string;
  /** The sandbox clock: the `updated_at` of the latest change (or just after the seeded data). */
  clock: string;
  counts: { repositories: number; issues: number; pull_requests: number };
  repositories: { id: number; full_name: string; issues: number; pull_requests: number }[];
}

const listIssuesDocs = 'https://docs.github.com/rest/issues/issues#list-repository-issues';

export class GithubApi implements SandboxProvider {
  readonly store: GithubStore;
  readonly world: GithubWorld;
  private readonly lists: ListIndex;
  private readonly limits: GithubRateLimits;
  private readonly requestIds: RequestIds;
  /** GitHub's OAuth app endpoints; its tokens are accepted like the sandbox's own. */
  readonly oauth = githubOAuth();

  constructor(private readonly options: GithubApiOptions) {
    this.oauth.addStaticToken(options.token);
    this.store = new GithubStore(options.seed, options.records);
    this.world = new GithubWorld(options.seed, this.store.layout.repoCount);
    this.lists = new ListIndex(this.store);
    this.limits = new GithubRateLimits(options.rateLimit ?? 5000, options.enforceRateLimit ?? false);
    this.requestIds = new RequestIds(options.seed);
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.requestIds.next();
    const auth = this.authenticate(req);
    if (auth !== 'ok') {
      const headers = commonHeaders(requestId, this.limits.anonymous.hit());
      const message = auth === 'missing' ? 'Requires authentication' : 'Bad credentials';
      return { status: 401, headers, body: errorBody(message, 401) };
    }
    const route = this.route(req);
    // GitHub does not count `/rate_limit` against the budget.
    const rate = route?.name === 'rate_limit' ? this.limits.core.peek() : this.limits.core.hit();
    const headers = {
      ...commonHeaders(requestId, rate),
      'x-oauth-scopes': 'read:org, repo',
      'x-accepted-oauth-scopes': route?.name === 'user' ? '' : 'repo',
    };
    if (rate.exhausted) {
      return {
        status: 403,
        headers,
        body: errorBody(
          `API rate limit exceeded for user ID ${this.world.ownerId}.`,
          403,
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
        ),
      };
    }
    if (!route || req.method !== 'GET') return { status: 404, headers, body: errorBody('Not Found', 404) };
    const response = this.serve(route, req, rate);
    return { ...response, headers: { ...headers, ...response.headers } };
  }

  renderFault(fault: ActiveFault): SandboxResponse {
    return faultResponse(fault, this.requestIds.next(), this.limits.core.peek(), this.world.ownerId, Date.now());
  }

  applyChanges(change: ChangeRequest): unknown {
    return this.store.applyChanges(change, { issue: (k) => this.world.issueId(k), pull: (k) => this.world.pullId(k) });
  }

  info(): GithubSandboxInfo {
    const repositories = this.world.repoNames.map((_, repo) => {
      const counts = this.store.counts(repo);
      return { id: this.world.repoId(repo), full_name: this.world.fullName(repo), issues: counts.issues, pull_requests: counts.pulls };
    });
    return {
      provider: 'github',
      seed: this.options.seed,
      owner: this.world.ownerLogin,
      clock: isoSeconds(this.store.clock.now()),
      counts: {
        repositories: repositories.length,
        issues: repositories.reduce((sum, r) => sum + r.issues, 0),
        pull_requests: repositories.reduce((sum, r) => sum + r.pull_requests, 0),
      },
      repositories,
    };
  }

  private authenticate(req: SandboxRequest): 'ok' | 'missing' | 'bad' {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') return 'missing';
    const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
    return this.oauth.accepts(match?.[1]) ? 'ok' : 'bad';
  }

  private route(req: SandboxRequest): Route | null {
    const parts = req.url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    if (parts.length === 1 && parts[0] === 'user') return { name: 'user' };
    if (parts.length === 2 && parts[0] === 'user' && parts[1] === 'repos') return { name: 'user_repos' };
    if (parts.length === 1 && parts[0] === 'rate_limit') return { name: 'rate_limit' };
    let repo: number | null = null;
    let rest: string[] = [];
    if (parts[0] === 'repos' && parts.length >= 3) {
      repo = this.findRepo(parts[1]!, parts[2]!);
      rest = parts.slice(3);
    } else if (parts[0] === 'repositories' && parts.length >= 2) {
      const index = this.world.repoNames.findIndex((_, r) => String(this.world.repoId(r)) === parts[1]);
      repo = index === -1 ? null : index;
      rest = parts.slice(2);
    }
    if (repo === null) return null;
    if (rest.length === 0) return { name: 'repo', repo };
    const [collection, numberText] = rest;
    if (rest.length > 2 || (collection !== 'issues' && collection !== 'pulls')) return null;
    if (numberText === undefined) return { name: collection, repo };
    const number = /^\d+$/.test(numberText) ? Number(numberText) : NaN;
    if (!Number.isSafeInteger(number)) return null;
    return { name: collection === 'issues' ? 'issue' : 'pull', repo, number };
  }

  private findRepo(owner: string, name: string): number | null {
    if (owner.toLowerCase() !== this.world.ownerLogin.toLowerCase()) return null;
    const index = this.world.repoNames.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    return index === -1 ? null : index;
  }

  private serve(route: Route, req: SandboxRequest, rate: RateWindowState): SandboxResponse {
    const api = req.origin;
    const notFound: SandboxResponse = { status: 404, body: errorBody('Not Found', 404) };
    switch (route.name) {
      case 'user':
        return { status: 200, body: authenticatedUser(this.world, api, this.world.repoNames.length, this.store.layout.end) };
      case 'rate_limit': {
        const core = { limit: rate.limit, used: rate.used, remaining: rate.remaining, reset: rate.reset };
        return { status: 200, body: { resources: { core }, rate: core } };
      }
      case 'user_repos':
        return this.listRepositories(req);
      case 'repo':
        // The single-repository endpoint answers GitHub's full-repository shape: the list shape and counts.
        return { status: 200, body: { ...this.repositoryObject(api, route.repo), network_count: 0, subscribers_count: 2 } };
      case 'issue':
      case 'pull': {
        const k = this.store.findByNumber(route.repo, route.number);
        if (k === null) return notFound;
        if (route.name === 'issue') return { status: 200, body: issue(this.store, this.world, api, k) };
        if (this.store.kindOf(k) !== 'pull') return notFound;
        return { status: 200, body: pullRequest(this.store, this.world, api, k, (r) => this.openIssueCount(r)) };
      }
      case 'issues':
      case 'pulls':
        return this.listItems(route.name, route.repo, req);
    }
  }

  private repositoryObject(api: string, repo: number): Record<string, unknown> {
    return repository(this.store, this.world, api, repo, this.openIssueCount(repo));
  }

  private openIssueCount(repo: number): number {
    return this.lists.page(
      { repo, filter: 'any', sort: 'created', direction: 'asc', since: null, state: 'open', labels: [], creator: null },
      0,
      0,
    ).total;
  }

  private listRepositories(req: SandboxRequest): SandboxResponse {
    const params = req.url.searchParams;
    const sort = params.get('sort') ?? 'full_name';
    const direction = params.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    const repos = this.world.repoNames.map((_, repo) => this.repositoryObject(req.origin, repo));
    const key = sort === 'created' ? 'created_at' : sort === 'updated' ? 'updated_at' : sort === 'pushed' ? 'pushed_at' : 'full_name';
    repos.sort((a, b) => String(a[key]).localeCompare(String(b[key])) || (a['id'] as number) - (b['id'] as number));
    if (direction === 'desc') repos.reverse();
    const paging = readPaging(params);
    const start = (paging.page - 1) * paging.perPage;
    return {
      status: 200,
      headers: linkHeader(req, '/user/repos', paging, repos.length),
      body: repos.slice(start, start + paging.perPage),
    };
  }

  private listItems(kind: 'issues' | 'pulls', repo: number, req: SandboxRequest): SandboxResponse {
    const params = req.url.searchParams;
    const sortParam = params.get('sort');
    const sort = sortParam === 'updated' ? 'updated' : 'created';
    // Pulls: "desc when sort is created or sort is not specified, otherwise asc"; issues: desc.
    const defaultDirection = kind === 'pulls' && sortParam !== null && sortParam !== 'created' ? 'asc' : 'desc';
    const direction = params.get('direction') === 'asc' ? 'asc' : params.get('direction') === 'desc' ? 'desc' : defaultDirection;
    const stateParam = params.get('state');
    const state = stateParam === 'closed' || stateParam === 'all' ? stateParam : 'open';
    let since: number | null = null;
    const sinceParam = kind === 'issues' ? params.get('since') : null;
    if (sinceParam !== null && sinceParam !== '') {
      since = parseIsoSeconds(sinceParam);
      if (since === null) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'Issue', field: 'since', code: 'invalid' }],
            documentation_url: listIssuesDocs,
            status: '422',
          },
        };
      }
    }
    const labels: number[] = [];
    let impossible = false;
    for (const name of kind === 'issues' ? (params.get('labels') ?? '').split(',').filter((l) => l.trim() !== '') : []) {
      const index = this.world.labelIndex(name);
      if (index === null) impossible = true;
      else labels.push(index);
    }
    const creatorParam = kind === 'issues' ? params.get('creator') : null;
    const creator = creatorParam ? this.world.userIndex(creatorParam) : null;
    if (creatorParam && creator === null) impossible = true;

    const paging = readPaging(params);
    const query: ListQuery = { repo, filter: kind === 'pulls' ? 'pull' : 'any', sort, direction, since, state, labels, creator };
    const { items, total } = impossible
      ? { items: [], total: 0 }
      : this.lists.page(query, (paging.page - 1) * paging.perPage, paging.perPage);
    const openIssues = (r: number) => this.openIssueCount(r);
    return {
      status: 200,
      headers: linkHeader(req, `/repositories/${this.world.repoId(repo)}/${kind}`, paging, total),
      body: items.map((k) =>
        kind === 'pulls' ? pullRequest(this.store, this.world, req.origin, k, openIssues) : issue(this.store, this.world, req.origin, k),
      ),
    };
  }
}

function readPaging(params: URLSearchParams): Paging {
  const perPage = Number.parseInt(params.get('per_page') ?? '', 10);
  const page = Number.parseInt(params.get('page') ?? '', 10);
  return {
    perPage: Number.isNaN(perPage) || perPage < 1 ? 30 : Math.min(100, perPage),
    page: Number.isNaN(page) || page < 1 ? 1 : page,
  };
}

/**
 * GitHub's `link` header: `prev`, `next`, `last`, `first`, each present only when it applies, with the
 * request's own query and the page number replaced. Omitted when everything fits on the first page.
 */
function linkHeader(req: SandboxRequest, path: string, paging: Paging, total: number): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / paging.perPage));
  const { page } = paging;
  if (page === 1 && last === 1) return {};
  const urlFor = (target: number) => {
    const params = new URLSearchParams(req.url.searchParams);
    params.set('page', String(target));
    return `<${req.origin}${path}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${urlFor(page - 1)}; rel="prev"`);
  if (page < last) links.push(`${urlFor(page + 1)}; rel="next"`, `${urlFor(last)}; rel="last"`);
  if (page > 1) links.push(`${urlFor(1)}; rel="first"`);
  return { link: links.join(', ') };
}
