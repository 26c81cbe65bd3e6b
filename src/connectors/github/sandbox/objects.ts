import { hash32, isoSeconds, issueTitle, paragraphs, Prng, pullRequestTitle } from '../../kit/sandbox/index.js';
import { labelCatalogueSize, userPoolSize, type GithubStore } from './store.js';

/**
 * GitHub's JSON shapes, with GitHub's field names, built from `(seed, index, version)`. API URLs inside the
 * objects point at the origin the request came to (as GitHub Enterprise's do), web URLs at github.com.
 * Every property GitHub's OpenAPI document marks required is present (users, repositories and pull requests
 * carry their full set of hypermedia URLs), so the vendor-fidelity suite can validate the answers against it.
 */

const webOrigin = 'https://github.com';

/** GitHub's default label set, with its colours. */
const labelCatalogue = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"],
  ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'],
] as const satisfies readonly (readonly [string, string, string])[];
if (labelCatalogue.length !== labelCatalogueSize) throw new Error('label catalogue size mismatch');

const ownerNames = ['riverbend', 'lumen-labs', 'northwind-dev', 'octave-hq', 'kestrel-io', 'fjord-works', 'tidal-apps'];
const userNames = [
  'amara-k', 'bjorn-dev', 'chen-li', 'dmitri-v', 'elena-r', 'farid-h', 'grace-o', 'hiro-t', 'ines-m', 'jonas-w', 'kavya-p',
];
const repoNames = [
  'api-gateway', 'web-app', 'design-system', 'infrastructure', 'mobile-client', 'data-pipeline', 'docs', 'cli',
  'billing-service', 'auth-service', 'sdk-js', 'search-indexer',
];
const languages = ['TypeScript', 'Go', 'Python', 'Rust', 'Kotlin', 'HCL', 'MDX', 'Swift'];

export const issueIdBase = 1_000_000_000;
export const pullIdBase = 500_000_000;
export const repoIdBase = 700_000_000;
const labelIdBase = 4_000_000_000;

/** Names and ids that depend on the seed only. */
export class GithubWorld {
  readonly ownerLogin: string;
  readonly ownerId: number;
  readonly repoNames: string[];
  private readonly seedOffset: number;

  constructor(readonly seed: number, repoCount: number) {
    const rng = new Prng(hash32(seed, 0x0e1));
    this.ownerLogin = rng.pick(ownerNames);
    this.ownerId = 10_000_000 + (hash32(seed, 0x1d) % 90_000_000);
    this.repoNames = rng.sample(repoNames, repoCount);
    this.seedOffset = (Math.abs(Math.trunc(seed)) % 100) * 10_000_000;
  }

  repoId(repo: number): number {
    return repoIdBase + this.seedOffset / 10_000 + repo;
  }

  issueId(k: number): number {
    return issueIdBase + this.seedOffset + k;
  }

  pullId(k: number): number {
    return pullIdBase + this.seedOffset + k;
  }

  fullName(repo: number): string {
    return `${this.ownerLogin}/${this.repoNames[repo]}`;
  }

  userLogin(user: number): string {
    return user === 0 ? this.ownerLogin : userNames[(user - 1 + (this.seed >>> 0)) % userNames.length]!;
  }

  userId(user: number): number {
    return user === 0 ? this.ownerId : 20_000_000 + hash32(this.seed, 0x05e, user) % 70_000_000;
  }

  /** The user pool index for a login, or null. */
  userIndex(login: string): number | null {
    for (let user = 0; user < userPoolSize; user++) {
      if (this.userLogin(user).toLowerCase() === login.toLowerCase()) return user;
    }
    return null;
  }

  labelIndex(name: string): number | null {
    const index = labelCatalogue.findIndex(([label]) => label.toLowerCase() === name.trim().toLowerCase());
    return index === -1 ? null : index;
  }
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(id.toString(16).padStart(12, '0'), 'hex').toString('base64url')}`;
}

/**
 * Users and labels are the same few objects again and again (12 users, 9 labels per repository): each is built
 * once per world and API origin and shared, read-only, by every item that shows it. Building them for every
 * item was a good part of the sandbox's cost per page, which a benchmark pays on the same cores as the sync.
 */
const shared = new WeakMap<GithubWorld, Map<string, Record<string, unknown>>>();

function once(world: GithubWorld, key: string, build: () => Record<string, unknown>): Record<string, unknown> {
  let objects = shared.get(world);
  if (!objects) {
    objects = new Map();
    shared.set(world, objects);
  }
  let object = objects.get(key);
  if (!object) {
    // An unexpected number of origins (Host headers) must not grow this without bound.
    if (objects.size >= 10_000) objects.clear();
    object = Object.freeze(build());
    objects.set(key, object);
  }
  return object;
}

export function simpleUser(world: GithubWorld, api: string, user: number): Record<string, unknown> {
  return once(world, `user ${user} ${api}`, () => buildSimpleUser(world, api, user));
}

function buildSimpleUser(world: GithubWorld, api: string, user: number): Record<string, unknown> {
  const login = world.userLogin(user);
  const id = world.userId(user);
  const url = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${webOrigin}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

/** `GET /user`: the authenticated user, with the private fields GitHub adds for them. */
export function authenticatedUser(world: GithubWorld, api: string, repoCount: number, end: number): Record<string, unknown> {
  return {
    ...simpleUser(world, api, 0),
    name: world.ownerLogin.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: 'Sandbox account simulated by Tributary.',
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 12,
    following: 3,
    created_at: isoSeconds(end - 5 * 365 * 86_400),
    updated_at: isoSeconds(end),
    private_gists: 0,
    total_private_repos: repoCount,
    owned_private_repos: repoCount,
    disk_usage: 20_480,
    collaborators: 4,
    two_factor_authentication: true,
    plan: { name: 'pro', space: 976_562_499, collaborators: 0, private_repos: 9_999 },
  };
}

export function repository(
  store: GithubStore,
  world: GithubWorld,
  api: string,
  repo: number,
  openIssues: number,
): Record<string, unknown> {
  const name = world.repoNames[repo]!;
  const fullName = world.fullName(repo);
  const id = world.repoId(repo);
  const rng = new Prng(hash32(world.seed, 0x4e90, repo));
  const end = store.layout.end;
  const createdAt = end - 4 * 365 * 86_400 + rng.int(365 * 86_400);
  const repoApi = `${api}/repos/${fullName}`;
  return {
    id,
    node_id: nodeId('R', id),
    name,
    full_name: fullName,
    private: true,
    owner: simpleUser(world, api, 0),
    html_url: `${webOrigin}/${fullName}`,
    description: `The ${name.replace(/-/g, ' ')} of ${world.ownerLogin}.`,
    fork: false,
    url: repoApi,
    ...repositoryUrls(repoApi),
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${webOrigin}/${fullName}.git`,
    svn_url: `${webOrigin}/${fullName}`,
    mirror_url: null,
    created_at: isoSeconds(createdAt),
    updated_at: isoSeconds(end - rng.int(30 * 86_400)),
    pushed_at: isoSeconds(end - rng.int(7 * 86_400)),
    homepage: null,
    size: 1_000 + rng.int(200_000),
    stargazers_count: rng.int(500),
    watchers_count: rng.int(500),
    language: rng.pick(languages),
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: rng.int(40),
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: 'private',
    forks: rng.int(40),
    open_issues: openIssues,
    watchers: rng.int(500),
    default_branch: 'main',
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

/** The hypermedia URLs every repository object carries (RFC 6570 templates where GitHub's are). */
function repositoryUrls(repoApi: string): Record<string, string> {
  return {
    archive_url: `${repoApi}/{archive_format}{/ref}`,
    assignees_url: `${repoApi}/assignees{/user}`,
    blobs_url: `${repoApi}/git/blobs{/sha}`,
    branches_url: `${repoApi}/branches{/branch}`,
    collaborators_url: `${repoApi}/collaborators{/collaborator}`,
    comments_url: `${repoApi}/comments{/number}`,
    commits_url: `${repoApi}/commits{/sha}`,
    compare_url: `${repoApi}/compare/{base}...{head}`,
    contents_url: `${repoApi}/contents/{+path}`,
    contributors_url: `${repoApi}/contributors`,
    deployments_url: `${repoApi}/deployments`,
    downloads_url: `${repoApi}/downloads`,
    events_url: `${repoApi}/events`,
    forks_url: `${repoApi}/forks`,
    git_commits_url: `${repoApi}/git/commits{/sha}`,
    git_refs_url: `${repoApi}/git/refs{/sha}`,
    git_tags_url: `${repoApi}/git/tags{/sha}`,
    hooks_url: `${repoApi}/hooks`,
    issue_comment_url: `${repoApi}/issues/comments{/number}`,
    issue_events_url: `${repoApi}/issues/events{/number}`,
    issues_url: `${repoApi}/issues{/number}`,
    keys_url: `${repoApi}/keys{/key_id}`,
    labels_url: `${repoApi}/labels{/name}`,
    languages_url: `${repoApi}/languages`,
    merges_url: `${repoApi}/merges`,
    milestones_url: `${repoApi}/milestones{/number}`,
    notifications_url: `${repoApi}/notifications{?since,all,participating}`,
    pulls_url: `${repoApi}/pulls{/number}`,
    releases_url: `${repoApi}/releases{/id}`,
    stargazers_url: `${repoApi}/stargazers`,
    statuses_url: `${repoApi}/statuses/{sha}`,
    subscribers_url: `${repoApi}/subscribers`,
    subscription_url: `${repoApi}/subscription`,
    tags_url: `${repoApi}/tags`,
    teams_url: `${repoApi}/teams`,
    trees_url: `${repoApi}/git/trees{/sha}`,
  };
}

function label(world: GithubWorld, api: string, fullName: string, repo: number, index: number): Record<string, unknown> {
  return once(world, `label ${repo} ${index} ${api}`, () => buildLabel(world, api, fullName, repo, index));
}

function buildLabel(world: GithubWorld, api: string, fullName: string, repo: number, index: number): Record<string, unknown> {
  const [name, color, description] = labelCatalogue[index]!;
  const id = labelIdBase + world.repoId(repo) % 1_000_000 * 16 + index;
  return {
    id,
    node_id: nodeId('LA', id),
    url: `${api}/repos/${fullName}/labels/${encodeURIComponent(name)}`,
    name,
    color,
    default: true,
    description,
  };
}

/** What the issue and pull request views of one item share. */
function itemContent(store: GithubStore, world: GithubWorld, api: string, k: number) {
  const version = store.versionOf(k);
  const facts = store.facts(k);
  const rng = new Prng(hash32(world.seed, k, 0x1e, version));
  const kind = store.kindOf(k);
  const repo = store.repoOf(k);
  const fullName = world.fullName(repo);
  const updatedAt = store.updatedAt(k);
  const createdAt = store.createdAt(k);
  const baseTitle = kind === 'pull' ? pullRequestTitle(rng) : issueTitle(rng);
  const assignee = rng.chance(0.2) ? simpleUser(world, api, rng.int(userPoolSize)) : null;
  const closedAt = facts.open ? null : updatedAt;
  return {
    repo,
    fullName,
    number: store.numberOf(k),
    title: version === 0 ? baseTitle : `${baseTitle} (edited ${version}×)`,
    body: paragraphs(rng, 100 + rng.int(150)),
    user: simpleUser(world, api, facts.author),
    labels: facts.labels.map((index) => label(world, api, fullName, repo, index)),
    state: facts.open ? 'open' : 'closed',
    assignee,
    assignees: assignee ? [assignee] : [],
    comments: rng.int(12) + version,
    created_at: isoSeconds(createdAt),
    updated_at: isoSeconds(updatedAt),
    closed_at: closedAt === null ? null : isoSeconds(closedAt),
    author_association: facts.author === 0 ? 'OWNER' : 'MEMBER',
    merged: kind === 'pull' && !facts.open && hash32(world.seed, k, 0x3e, version) % 10 < 7,
    rng,
  };
}

/** An item as the issues endpoints list it (pull requests included, with their `pull_request` key). */
export function issue(store: GithubStore, world: GithubWorld, api: string, k: number): Record<string, unknown> {
  const c = itemContent(store, world, api, k);
  const id = world.issueId(k);
  const url = `${api}/repos/${c.fullName}/issues/${c.number}`;
  const isPull = store.kindOf(k) === 'pull';
  const record: Record<string, unknown> = {
    url,
    repository_url: `${api}/repos/${c.fullName}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${webOrigin}/${c.fullName}/${isPull ? 'pull' : 'issues'}/${c.number}`,
    id,
    node_id: nodeId(isPull ? 'PR' : 'I', id),
    number: c.number,
    title: c.title,
    user: c.user,
    labels: c.labels,
    state: c.state,
    locked: false,
    assignee: c.assignee,
    assignees: c.assignees,
    milestone: null,
    comments: c.comments,
    created_at: c.created_at,
    updated_at: c.updated_at,
    closed_at: c.closed_at,
    author_association: c.author_association,
    active_lock_reason: null,
    body: c.body,
    state_reason: c.state === 'open' ? null : c.merged || hash32(world.seed, k, 0x5e) % 4 !== 0 ? 'completed' : 'not_planned',
  };
  if (isPull) {
    record['draft'] = false;
    record['pull_request'] = {
      url: `${api}/repos/${c.fullName}/pulls/${c.number}`,
      html_url: `${webOrigin}/${c.fullName}/pull/${c.number}`,
      diff_url: `${webOrigin}/${c.fullName}/pull/${c.number}.diff`,
      patch_url: `${webOrigin}/${c.fullName}/pull/${c.number}.patch`,
      merged_at: c.merged ? c.closed_at : null,
    };
  }
  return record;
}

/** A pull request as the pulls endpoints list it. */
export function pullRequest(store: GithubStore, world: GithubWorld, api: string, k: number, openIssues: (repo: number) => number): Record<string, unknown> {
  const c = itemContent(store, world, api, k);
  const id = world.pullId(k);
  const prUrl = `${api}/repos/${c.fullName}/pulls/${c.number}`;
  const branch = `${c.user['login'] as string}/change-${c.number}`;
  const headSha = c.rng.hex(40);
  const baseSha = c.rng.hex(40);
  // Head and base are branches of the item's own repository here (no forks), shown in full as GitHub does.
  const branchRepository = repository(store, world, api, c.repo, openIssues(c.repo));
  return {
    url: prUrl,
    id,
    node_id: nodeId('PR', id),
    html_url: `${webOrigin}/${c.fullName}/pull/${c.number}`,
    diff_url: `${webOrigin}/${c.fullName}/pull/${c.number}.diff`,
    patch_url: `${webOrigin}/${c.fullName}/pull/${c.number}.patch`,
    issue_url: `${api}/repos/${c.fullName}/issues/${c.number}`,
    commits_url: `${prUrl}/commits`,
    review_comments_url: `${prUrl}/comments`,
    review_comment_url: `${api}/repos/${c.fullName}/pulls/comments{/number}`,
    comments_url: `${api}/repos/${c.fullName}/issues/${c.number}/comments`,
    statuses_url: `${api}/repos/${c.fullName}/statuses/${headSha}`,
    number: c.number,
    state: c.state,
    locked: false,
    title: c.title,
    user: c.user,
    body: c.body,
    labels: c.labels,
    milestone: null,
    active_lock_reason: null,
    created_at: c.created_at,
    updated_at: c.updated_at,
    closed_at: c.closed_at,
    merged_at: c.merged ? c.closed_at : null,
    merge_commit_sha: c.merged ? c.rng.hex(40) : null,
    assignee: c.assignee,
    assignees: c.assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: { label: `${world.ownerLogin}:${branch}`, ref: branch, sha: headSha, user: simpleUser(world, api, 0), repo: branchRepository },
    base: { label: `${world.ownerLogin}:main`, ref: 'main', sha: baseSha, user: simpleUser(world, api, 0), repo: branchRepository },
    _links: {
      self: { href: prUrl },
      html: { href: `${webOrigin}/${c.fullName}/pull/${c.number}` },
      issue: { href: `${api}/repos/${c.fullName}/issues/${c.number}` },
      comments: { href: `${api}/repos/${c.fullName}/issues/${c.number}/comments` },
      review_comments: { href: `${prUrl}/comments` },
      review_comment: { href: `${api}/repos/${c.fullName}/pulls/comments{/number}` },
      commits: { href: `${prUrl}/commits` },
      statuses: { href: `${api}/repos/${c.fullName}/statuses/${headSha}` },
    },
    author_association: c.author_association,
    auto_merge: null,
    draft: false,
  };
}
