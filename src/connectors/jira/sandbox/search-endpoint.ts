import { decodePosition, encodePosition, hash32, jsonOf, type SandboxRequest, type SandboxResponse, type StoredRecord } from '../../kit/sandbox/index.js';
import type { JiraIssues } from './issues.js';
import { JqlError, parseJql, passes, type ParsedJql } from './jql-parser.js';
import { issue, nonNavigable } from './objects.js';
import { errorBody, jiraError, messages } from './responses.js';
import { searchIssues } from './search.js';
import type { JiraWorld } from './world.js';

/**
 * `GET|POST /rest/api/3/search/jql`, the enhanced JQL search: `jql`, `fields`, `maxResults`, `nextPageToken` (in
 * the query, or the JSON body for POST); answers `{ issues, nextPageToken?, isLast }`, the token absent on the last
 * page. As documented: the query must be bounded, `fields` defaults to `id` only, and a page holds up to 5,000
 * issues when only ids (or keys) are asked for but fewer — 100 here — with fields.
 */
type Json = Record<string, unknown>;

interface SearchInput {
  jql: string;
  fields: string[];
  maxResults: number | null;
  nextPageToken: string | null;
}

function readInput(req: SandboxRequest): SearchInput | SandboxResponse {
  if (req.method === 'POST') {
    const body = jsonOf(req);
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
      return jiraError(400, 'The request body is not valid JSON.');
    }
    const b = body as Json;
    const fields = Array.isArray(b['fields']) ? b['fields'].map(String) : typeof b['fields'] === 'string' ? [b['fields']] : [];
    return {
      jql: typeof b['jql'] === 'string' ? b['jql'] : '',
      fields,
      maxResults: typeof b['maxResults'] === 'number' ? b['maxResults'] : null,
      nextPageToken: typeof b['nextPageToken'] === 'string' ? b['nextPageToken'] : null,
    };
  }
  const q = req.url.searchParams;
  const max = q.get('maxResults');
  if (max !== null && !/^-?\d+$/.test(max.trim())) return jiraError(400, `The value '${max}' is not valid for the parameter 'maxResults'.`);
  return {
    jql: q.get('jql') ?? '',
    fields: q.getAll('fields').flatMap((f) => f.split(',')),
    maxResults: max === null ? null : Number(max),
    nextPageToken: q.get('nextPageToken'),
  };
}

/** Which fields an issue shows: `*all`, `*navigable`, names, and `-name` to leave one out. */
interface Selection {
  all: boolean;
  navigable: boolean;
  include: Set<string>;
  exclude: Set<string>;
  /** Only `id` / `key`: the cheap kind of page. */
  idOnly: boolean;
  key: boolean;
}

function selectionOf(list: string[]): Selection {
  const items = list.map((f) => f.trim()).filter((f) => f !== '');
  const selection: Selection = { all: false, navigable: false, include: new Set(), exclude: new Set(), idOnly: false, key: false };
  for (const item of items.length === 0 ? ['id'] : items) {
    if (item === '*all') selection.all = true;
    else if (item === '*navigable') selection.navigable = true;
    else if (item.startsWith('-')) selection.exclude.add(item.slice(1));
    else if (item === 'id') continue;
    else if (item === 'key') selection.key = true;
    else selection.include.add(item);
  }
  selection.idOnly = !selection.all && !selection.navigable && selection.include.size === 0;
  return selection;
}

function pick(fields: Json, selection: Selection): Json {
  const out: Json = {};
  for (const [name, value] of Object.entries(fields)) {
    const wanted = selection.all || (selection.navigable && !nonNavigable.has(name)) || selection.include.has(name);
    if (wanted && !selection.exclude.has(name)) out[name] = value;
  }
  return out;
}

/** The issues a parsed query keeps besides its `updated` bounds, or an error in Jira's words. */
function predicateOf(parsed: ParsedJql, issues: JiraIssues, world: JiraWorld): ((entry: StoredRecord) => boolean) | null | SandboxResponse {
  const tests: ((entry: StoredRecord) => boolean)[] = [];
  for (const clause of parsed.projects) {
    const wanted = new Set<string>();
    for (const value of clause.values) {
      const found = world.findProject(value);
      if (!found) return jiraError(400, `The value '${value}' does not exist for the field 'project'.`);
      wanted.add(String(found.index));
    }
    tests.push((entry) => wanted.has(entry.partition!) !== clause.not);
  }
  for (const clause of parsed.keys) {
    const wanted = new Set<string>();
    for (const value of clause.values) {
      const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(value.trim());
      const project = match ? world.findProject(match[1]!) : null;
      const entry = project && match ? issues.find(project.index, Number(match[2])) : /^\d+$/.test(value.trim()) ? issues.byId(value.trim()) : undefined;
      if (!entry) return jiraError(400, `An issue with key '${value}' does not exist for field 'key'.`);
      wanted.add(entry.key);
    }
    tests.push((entry) => wanted.has(entry.key) !== clause.not);
  }
  if (parsed.created.length > 0) tests.push((entry) => passes(parsed.created, issues.facts(entry).createdMs));
  return tests.length === 0 ? null : (entry) => tests.every((test) => test(entry));
}

/** `GET|POST /rest/api/3/search/jql` (see the header above). */
export function searchEndpoint(req: SandboxRequest, api: string, ctx: { issues: JiraIssues; world: JiraWorld; anonymous: boolean }): SandboxResponse {
  const input = readInput(req);
  if ('status' in input) return input;
  let parsed: ParsedJql;
  try {
    parsed = parseJql(input.jql, ctx.world.timeZone, Date.now());
  } catch (error) {
    if (error instanceof JqlError) return { status: 400, body: errorBody([error.message]) };
    throw error;
  }
  if (!parsed.bounded) return jiraError(400, messages.unbounded);
  // Nobody signed in: only what anonymous users may browse, which on this site is nothing.
  if (ctx.anonymous) return { status: 200, body: { issues: [], isLast: true } };
  const predicate = predicateOf(parsed, ctx.issues, ctx.world);
  if (predicate !== null && typeof predicate === 'object') return predicate;

  const selection = selectionOf(input.fields);
  const cap = selection.idOnly ? 5000 : 100;
  const requested = input.maxResults ?? 50;
  if (requested < 0) return jiraError(400, "The value for 'maxResults' must be zero or greater.");
  const limit = Math.min(requested, cap);
  const fingerprint = hash32(...Buffer.from(input.jql.trim().replace(/\s+/g, ' ')));
  let offset = 0;
  if (input.nextPageToken !== null && input.nextPageToken !== '') {
    // The kit's tamper-checked position, bound to the query: another query's token is refused.
    const decoded = decodePosition('page', input.nextPageToken, fingerprint);
    if (decoded === null) return jiraError(400, 'The provided next page token is invalid or expired.');
    offset = decoded;
  }
  const query = { updated: parsed.updated, predicate: predicate as ((entry: StoredRecord) => boolean) | null, descending: parsed.descending, keyDescending: parsed.keyDescending };
  const keyOf = (entry: StoredRecord): [string, number] => {
    const facts = ctx.issues.facts(entry);
    return [ctx.world.projects[facts.project]!.key, facts.number];
  };
  // One more than the page: whether another page follows.
  const matches = searchIssues(ctx.issues, query, offset + limit + 1, keyOf);
  const page = matches.slice(offset, offset + limit);
  const issues = page.map((entry) => {
    const { top, fields } = issue(ctx.world, api, ctx.issues.facts(entry));
    if (selection.idOnly) return selection.key ? { id: top['id'], key: top['key'] } : { id: top['id'] };
    return { ...top, fields: pick(fields, selection) };
  });
  const isLast = offset + page.length >= matches.length || limit === 0;
  return { status: 200, body: { issues, ...(isLast ? {} : { nextPageToken: encodePosition('page', offset + page.length, fingerprint) }), isLast } };
}
