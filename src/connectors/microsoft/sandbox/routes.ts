import { type RecordStore, type SandboxRequest, type SandboxResponse, type SimulatorOverride } from '../../kit/sandbox/index.js';
import { defaultPageSize, maxPageSize, type DeltaOutcome, type DeltaRequest, type DeltaRounds, type DeltaScope } from './delta.js';
import { mailFolderObject, userObject } from './objects.js';
import { graphError } from './responses.js';
import { folders, type MailboxWorld, type MailFolder } from './world.js';

/**
 * Microsoft Graph v1.0 for one signed-in user, under `/v1.0`: `/me`, `/me/mailFolders`,
 * `/me/calendarView/delta` and `/me/mailFolders/{id}/messages/delta` (also as `/users/{id | upn}/…`), as one
 * override over the kit's stores: Graph's paths (OData key segments, case-insensitive names and options) and
 * delta rounds are its own. The simulator has checked the token and counted the request before.
 */

type Route =
  | { name: 'me' }
  | { name: 'folders' }
  | { name: 'folder'; folder: MailFolder }
  | { name: 'messages_delta'; folder: MailFolder }
  | { name: 'events_delta' };

export function graphRoutes(world: MailboxWorld, delta: DeltaRounds): SimulatorOverride {
  return (req, ctx) => {
    const parts = req.url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] !== 'v1.0') return graphError(400, 'BadRequest', `Invalid version: ${parts[0] ?? ''}`);
    if (req.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The requested resource does not support the HTTP method.');
    const found = route(world, parts.slice(1));
    if ('status' in found) return found;
    return serve(world, delta, found, req, ctx.store);
  };
}

function route(world: MailboxWorld, parts: string[]): Route | SandboxResponse {
  const [root, userKey, ...rest] = parts;
  let tail: string[];
  if (root?.toLowerCase() === 'me') {
    tail = parts.slice(1);
  } else if (root?.toLowerCase() === 'users' && userKey !== undefined) {
    const { owner } = world;
    const key = decodeURIComponent(userKey).toLowerCase();
    if (key !== owner.id && key !== owner.address) {
      return graphError(404, 'Request_ResourceNotFound', `Resource '${decodeURIComponent(userKey)}' does not exist or one of its queried reference-property objects are not present.`);
    }
    tail = rest;
  } else {
    return graphError(400, 'BadRequest', `Resource not found for the segment '${root ?? ''}'.`);
  }
  const lower = tail.map((p) => decodeURIComponent(p).toLowerCase());
  if (lower.length === 0) return { name: 'me' };
  if (lower[0] === 'calendarview' && lower[1] === 'delta' && lower.length === 2) return { name: 'events_delta' };
  // `mailFolders/inbox` and `mailFolders('inbox')` are the same segment to OData.
  const keyed = /^mailfolders\('([^']*)'\)$/i.exec(decodeURIComponent(tail[0] ?? ''));
  if (lower[0] === 'mailfolders' || keyed) {
    const folderKey = keyed ? keyed[1]! : tail[1] === undefined ? null : decodeURIComponent(tail[1]);
    const after = keyed ? lower.slice(1) : lower.slice(2);
    if (folderKey === null) return { name: 'folders' };
    const folder = world.folderOf(folderKey);
    if (!folder) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (after.length === 0) return { name: 'folder', folder };
    if (after.length === 2 && after[0] === 'messages' && after[1] === 'delta') return { name: 'messages_delta', folder };
  }
  return graphError(400, 'BadRequest', `Resource not found for the segment '${tail.at(-1) ?? ''}'.`);
}

function serve(world: MailboxWorld, delta: DeltaRounds, route: Route, req: SandboxRequest, store: (stream: string) => RecordStore): SandboxResponse {
  const counts = (folder: MailFolder) => store('messages').liveCount(folder);
  switch (route.name) {
    case 'me':
      return { status: 200, body: userObject(world, req.origin) };
    case 'folders':
      return {
        status: 200,
        body: { '@odata.context': `${req.origin}/v1.0/$metadata#users('${world.owner.id}')/mailFolders`, value: folders.map((f) => mailFolderObject(world, f, counts(f))) },
      };
    case 'folder':
      return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#users('${world.owner.id}')/mailFolders/$entity`, ...mailFolderObject(world, route.folder, counts(route.folder)) } };
    case 'events_delta':
    case 'messages_delta':
      return serveDelta(world, delta, route, req, store);
  }
}

function serveDelta(
  world: MailboxWorld,
  delta: DeltaRounds,
  route: Extract<Route, { name: 'events_delta' | 'messages_delta' }>,
  req: SandboxRequest,
  store: (stream: string) => RecordStore,
): SandboxResponse {
  const params = lowerParams(req.url.searchParams);
  const bad = (code: string, message: string) => graphError(400, code, message);
  for (const option of route.name === 'events_delta' ? ['$select', '$filter', '$orderby', '$search', '$expand'] : ['$filter', '$orderby', '$search']) {
    if (params.has(option)) return bad('ErrorInvalidUrlQuery', `The query parameter '${option}' is not supported with delta.`);
  }
  let request: DeltaRequest;
  const skip = params.get('$skiptoken');
  const deltaToken = params.get('$deltatoken');
  if (skip) request = { kind: 'skip', token: skip };
  else if (deltaToken) request = { kind: 'delta', token: deltaToken };
  else if (route.name === 'messages_delta') request = { kind: 'start', scope: { stream: 'messages', folder: route.folder } };
  else {
    const start = params.get('startdatetime');
    const end = params.get('enddatetime');
    if (!start || !end) return bad('ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    const from = parseGraphDateTime(start);
    const to = parseGraphDateTime(end);
    if (from === null) return bad('ErrorInvalidParameter', `The value '${start}' of parameter 'StartDateTime' is invalid.`);
    if (to === null) return bad('ErrorInvalidParameter', `The value '${end}' of parameter 'EndDateTime' is invalid.`);
    request = { kind: 'start', scope: { stream: 'events', window: [from, to] } };
  }
  const pageSize = preferredPageSize(req);
  const outcome = delta.page(request, pageSize ?? defaultPageSize, store);
  if (!outcome.ok) return graphError(outcome.status, outcome.code, outcome.message);
  if (route.name === 'messages_delta' && outcome.scope.folder !== route.folder) {
    return bad('ErrorInvalidUrlQuery', 'The state token belongs to another folder.');
  }
  return {
    status: 200,
    headers: pageSize === null ? {} : { 'preference-applied': `odata.maxpagesize=${pageSize}` },
    body: deltaBody(world, req.origin, outcome),
  };
}

function deltaBody(world: MailboxWorld, origin: string, outcome: Extract<DeltaOutcome, { ok: true }>): Record<string, unknown> {
  const path = deltaPath(outcome.scope, world.folderId.bind(world));
  const entity = outcome.scope.stream === 'events' ? 'event' : 'message';
  const link =
    'skiptoken' in outcome.next
      ? { '@odata.nextLink': `${origin}/v1.0${path}?$skiptoken=${outcome.next.skiptoken}` }
      : { '@odata.deltaLink': `${origin}/v1.0${path}?$deltatoken=${outcome.next.deltatoken}` };
  return { '@odata.context': `${origin}/v1.0/$metadata#Collection(${entity})`, ...link, value: outcome.value };
}

function deltaPath(scope: DeltaScope, folderId: (folder: MailFolder) => string): string {
  return scope.stream === 'events' ? '/me/calendarView/delta' : `/me/mailFolders('${folderId(scope.folder ?? 'inbox')}')/messages/delta`;
}

/** OData system query options are case-insensitive (`$deltaToken`, `$deltatoken`), and so are Graph's parameters. */
function lowerParams(params: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of params) out.set(key.toLowerCase(), value);
  return out;
}

/** `Prefer: odata.maxpagesize=N` (among other preferences, possibly over several headers), capped; null when absent. */
export function preferredPageSize(req: SandboxRequest): number | null {
  const raw = req.headers['prefer'];
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const match = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*"?(\d+)"?/i.exec(text);
  if (!match) return null;
  return Math.max(1, Math.min(maxPageSize, Number(match[1])));
}

/** Graph reads a date-time without an offset as UTC (no `Prefer: outlook.timezone`); epoch seconds or null. */
export function parseGraphDateTime(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(value.trim())) return null;
  const text = value.trim();
  const zoned = /(Z|[+-]\d{2}:\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = Date.parse(text.includes('T') ? zoned : `${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
