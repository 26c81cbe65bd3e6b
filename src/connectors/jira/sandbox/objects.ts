import { hash32, issueTitle, paragraphs, Prng } from '../../kit/sandbox/index.js';
import { jiraTimestamp } from '../time-zone.js';
import type { IssueFacts } from './issues.js';
import { userPoolSize, type JiraWorld, type SandboxProject } from './world.js';

/**
 * Jira Cloud's REST v3 JSON shapes, built from `(seed, index, version)`. `api` is where the request came in — the
 * site (`http://host`) or the gateway (`http://host/ex/jira/<cloud id>`) — and every `self` link points back there,
 * as Jira's do. Timestamps are printed in the signed-in user's time zone, with its offset.
 */
type Json = Record<string, unknown>;

const avatarCdn = 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net';

function avatarUrls(base: string): Json {
  return { '48x48': `${base}?size=48`, '24x24': `${base}?size=24`, '16x16': `${base}?size=16`, '32x32': `${base}?size=32` };
}

/**
 * Users and project references are the same few objects on every issue: each is built once per world and origin
 * and shared, frozen, by every issue that shows it.
 */
const shared = new WeakMap<JiraWorld, Map<string, Json>>();

function once(world: JiraWorld, key: string, build: () => Json): Json {
  let objects = shared.get(world);
  if (!objects) {
    objects = new Map();
    shared.set(world, objects);
  }
  let object = objects.get(key);
  if (!object) {
    // Unexpected Host headers must not grow this without bound.
    if (objects.size >= 10_000) objects.clear();
    object = Object.freeze(build());
    objects.set(key, object);
  }
  return object;
}

export function user(world: JiraWorld, api: string, index: number): Json {
  return once(world, `user ${index} ${api}`, () => buildUser(world, api, index));
}

function buildUser(world: JiraWorld, api: string, index: number): Json {
  const accountId = world.accountId(index);
  return {
    self: `${api}/rest/api/3/user?accountId=${accountId}`,
    accountId,
    ...(index === 0 ? { emailAddress: world.email() } : {}),
    avatarUrls: avatarUrls(`${avatarCdn}/default/${accountId}`),
    displayName: world.displayName(index),
    active: true,
    timeZone: world.userTimeZone(index),
    accountType: 'atlassian',
  };
}

/** `GET /rest/api/3/myself`. */
export function myself(world: JiraWorld, api: string): Json {
  return {
    ...user(world, api, 0),
    locale: 'en_US',
    groups: { size: 2, items: [] },
    applicationRoles: { size: 1, items: [] },
    expand: 'groups,applicationRoles',
  };
}

function projectAvatar(api: string, project: SandboxProject): Json {
  return avatarUrls(`${api}/rest/api/3/universal_avatar/view/type/project/avatar/${10400 + project.index}`);
}

/** A project as issue fields embed it. */
function projectRef(world: JiraWorld, api: string, project: SandboxProject): Json {
  return once(world, `project ${project.index} ${api}`, () => ({
    self: `${api}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: projectAvatar(api, project),
  }));
}

/** A project as `GET /rest/api/3/project/search` lists it, with the requested expansions. */
export function project(world: JiraWorld, api: string, p: SandboxProject, expand: Set<string>): Json {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    ...projectRef(world, api, p),
    ...(expand.has('description') ? { description: `Work of the ${p.name} team at ${world.siteName}.` } : {}),
    ...(expand.has('lead') ? { lead: user(world, api, p.lead) } : {}),
    ...(expand.has('url') ? { url: `${world.siteUrl}/jira/software/projects/${p.key}` } : {}),
    style: 'classic',
    isPrivate: false,
    properties: {},
    uuid: p.uuid,
  };
}

const issueTypes = [
  { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', icon: 10318 },
  { id: '10004', name: 'Bug', description: 'A problem or error.', icon: 10303 },
  { id: '10002', name: 'Story', description: "Functionality or a feature expressed as a user's goal.", icon: 10315 },
] as const;

const statuses = [
  { id: '10000', name: 'To Do', category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } },
  { id: '3', name: 'In Progress', category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' } },
  { id: '10001', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
] as const;

const priorities = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
] as const;

const labelPool = ['backend', 'frontend', 'customer', 'tech-debt', 'security', 'performance'];

/** Fields `*navigable` leaves out and `*all` brings. */
export const nonNavigable = new Set(['comment', 'worklog', 'attachment', 'timetracking']);

function adf(text: string): Json {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n\n').map((paragraph) => ({ type: 'paragraph', content: [{ type: 'text', text: paragraph }] })),
  };
}

export function issueKey(world: JiraWorld, project: number, number: number): string {
  return `${world.projects[project]!.key}-${number}`;
}

/** An issue with every field; the search picks from `fields`. */
export function issue(world: JiraWorld, api: string, facts: IssueFacts): { top: Json; fields: Json } {
  const { index: k, version, id } = facts;
  const rng = new Prng(hash32(world.seed, k, 0x15, version));
  const p = world.projects[facts.project]!;
  const key = issueKey(world, facts.project, facts.number);
  const self = `${api}/rest/api/3/issue/${id}`;
  const zone = world.timeZone;
  const updated = facts.updatedMs;
  const created = facts.createdMs;
  const type = issueTypes[hash32(world.seed, k, 3) % issueTypes.length]!;
  const statusRoll = hash32(world.seed, k, 10, version) % 100;
  const status = facts.fresh ? statuses[0] : statuses[statusRoll < 30 ? 0 : statusRoll < 55 ? 1 : 2];
  const done = status.category.key === 'done';
  const priority = priorities[hash32(world.seed, k, 4, version) % priorities.length]!;
  const reporter = hash32(world.seed, k, 5) % userPoolSize;
  const assignee = rng.chance(0.75) ? rng.int(userPoolSize) : null;
  const labels = labelPool.filter((_, i) => (hash32(world.seed, k, 6, version) >>> i) % 5 === 0);
  const title = issueTitle(rng);
  const fields: Json = {
    statuscategorychangedate: jiraTimestamp(updated, zone),
    issuetype: {
      self: `${api}/rest/api/3/issuetype/${type.id}`,
      id: type.id,
      description: type.description,
      iconUrl: `${api}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${type.icon}?size=medium`,
      name: type.name,
      subtask: false,
      avatarId: type.icon,
      hierarchyLevel: 0,
    },
    timespent: null,
    project: projectRef(world, api, p),
    fixVersions: [],
    aggregatetimespent: null,
    resolution: done ? { self: `${api}/rest/api/3/resolution/10000`, id: '10000', description: 'Work has been completed on this issue.', name: 'Done' } : null,
    resolutiondate: done ? jiraTimestamp(updated, zone) : null,
    workratio: -1,
    watches: { self: `${api}/rest/api/3/issue/${key}/watchers`, watchCount: 1 + rng.int(4), isWatching: false },
    lastViewed: null,
    created: jiraTimestamp(created, zone),
    priority: { self: `${api}/rest/api/3/priority/${priority.id}`, iconUrl: `${api}/images/icons/priorities/${priority.name.toLowerCase()}.svg`, name: priority.name, id: priority.id },
    labels,
    timeestimate: null,
    aggregatetimeoriginalestimate: null,
    versions: [],
    issuelinks: [],
    assignee: assignee === null ? null : user(world, api, assignee),
    updated: jiraTimestamp(updated, zone),
    status: {
      self: `${api}/rest/api/3/status/${status.id}`,
      description: '',
      iconUrl: `${api}/`,
      name: status.name,
      id: status.id,
      statusCategory: { self: `${api}/rest/api/3/statuscategory/${status.category.id}`, ...status.category },
    },
    components: [],
    timeoriginalestimate: null,
    description: adf(paragraphs(rng, 80 + rng.int(160))),
    security: null,
    aggregatetimeestimate: null,
    summary: version === 0 ? title : `${title} (edited ${version}×)`,
    creator: user(world, api, reporter),
    subtasks: [],
    reporter: user(world, api, reporter),
    aggregateprogress: { progress: 0, total: 0 },
    environment: null,
    duedate: rng.chance(0.3) ? new Date(created + (7 + rng.int(60)) * 86_400_000).toISOString().slice(0, 10) : null,
    progress: { progress: 0, total: 0 },
    votes: { self: `${api}/rest/api/3/issue/${key}/votes`, votes: rng.int(3), hasVoted: false },
    comment: { comments: [], self: `${self}/comment`, maxResults: 0, total: 0, startAt: 0 },
    worklog: { startAt: 0, maxResults: 20, total: 0, worklogs: [] },
    attachment: [],
    timetracking: {},
  };
  return {
    top: { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id, self, key },
    fields,
  };
}

/** `GET /oauth/token/accessible-resources`: the sites a token reaches, with the scopes granted there. */
export function accessibleResources(world: JiraWorld, scopes: string[]): Json[] {
  return [
    {
      id: world.cloudId,
      url: world.siteUrl,
      name: world.siteName,
      scopes: scopes.filter((scope) => scope !== 'offline_access'),
      avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
    },
  ];
}
