import type { SandboxRequest, SandboxResponse } from '../../kit/sandbox/index.js';
import { project } from './objects.js';
import { jiraError } from './responses.js';
import type { JiraWorld, SandboxProject } from './world.js';

/**
 * `GET /rest/api/3/project/search`: `startAt`, `maxResults` (at most 100, default 50), `orderBy` (`key`, `name`,
 * with `+`/`-`), `keys` (repeated), `query` (in key or name), `expand`. Answers Jira's page object: `self`,
 * `nextPage` (absent on the last page), `maxResults`, `startAt`, `total`, `isLast`, `values`. `live`: the projects
 * the store holds; `null` for an anonymous caller, who may browse none.
 */
export function searchProjects(req: SandboxRequest, api: string, world: JiraWorld, live: SandboxProject[] | null): SandboxResponse {
  const q = req.url.searchParams;
  const startText = q.get('startAt') ?? '0';
  const maxText = q.get('maxResults') ?? '50';
  if (!/^\d+$/.test(startText)) return jiraError(400, `The value '${startText}' is not valid for the parameter 'startAt'.`);
  if (!/^\d+$/.test(maxText)) return jiraError(400, `The value '${maxText}' is not valid for the parameter 'maxResults'.`);
  const startAt = Number(startText);
  const maxResults = Math.min(100, Number(maxText));
  const orderBy = q.get('orderBy') ?? 'key';
  const descending = orderBy.startsWith('-');
  const field = orderBy.replace(/^[+-]/, '') === 'name' ? 'name' : 'key';
  const keys = q.getAll('keys').flatMap((k) => k.split(',')).map((k) => k.trim().toUpperCase()).filter((k) => k !== '');
  const text = q.get('query')?.toLowerCase() ?? '';
  const expand = new Set((q.get('expand') ?? '').split(',').map((e) => e.trim()));

  let matches: SandboxProject[] = live === null ? [] : [...live];
  if (keys.length > 0) matches = matches.filter((p) => keys.includes(p.key));
  if (text !== '') matches = matches.filter((p) => p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text));
  matches.sort((a, b) => a[field].localeCompare(b[field]));
  if (descending) matches.reverse();

  const page = matches.slice(startAt, startAt + maxResults);
  const isLast = startAt + page.length >= matches.length;
  const self = `${api}/rest/api/3/project/search?${q.toString()}`;
  const next = new URLSearchParams(q);
  next.set('startAt', String(startAt + page.length));
  next.set('maxResults', String(maxResults));
  return {
    status: 200,
    body: {
      self,
      ...(isLast ? {} : { nextPage: `${api}/rest/api/3/project/search?${next.toString()}` }),
      maxResults,
      startAt,
      total: matches.length,
      isLast,
      values: page.map((p) => project(world, api, p, expand)),
    },
  };
}
