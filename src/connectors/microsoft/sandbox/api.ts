import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  isoSeconds,
  RateLimitWindow,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { DeltaEngine, defaultPageSize, maxPageSize, type DeltaOutcome, type DeltaRequest, type DeltaScope } from './delta.js';
import { accessTokenPrefix, IdentityPlatform } from './identity.js';
import { mailFolderObject, userObject } from './objects.js';
import { faultResponse, graphChallenge, graphError, graphHeaders, RequestIds, throttled } from './responses.js';
import { MailboxStore, type ChangeResult } from './store.js';
import { folders, type MailFolder } from './world.js';

/**
 * Microsoft Graph v1.0 for one signed-in user, under `/v1.0`: `/me`, `/me/mailFolders`,
 * `/me/calendarView/delta` and `/me/mailFolders/{id}/messages/delta` (also as `/users/{id | upn}/…`). Bearer
 * tokens are checked against the identity platform's; the Outlook service's budget (10,000 requests per 10
 * minutes per mailbox) is counted and, when enforced, answered with 429 and `Retry-After`.
 */

export interface MicrosoftApiOptions {
  seed: number;
  records: number;
  oauth: IdentityPlatform;
  /** Requests per 10 minutes (default 10,000, the Outlook service limit). */
  rateLimit?: number;
  enforceRateLimit?: boolean;
  /** Delta tokens remembered (default 1,000). */
  deltaTokenCapacity?: number;
}

/** What `GET /_sandbox/info` returns. */
export interface MicrosoftSandboxInfo {
  provider: 'microsoft';
  seed: number;
  user: { id: string; userPrincipalName: string; displayName: string };
  /** The change clock: the `lastModifiedDateTime` of the latest change (or just after the seeded data). */
  clock: string;
  counts: { events: number; messages: number };
  folders: Record<MailFolder, { id: string; messages: number }>;
  /** A calendar view window holding every event of the sandbox. */
  calendar_window: { start: string; end: string };
}

type Route =
  | { name: 'me' }
  | { name: 'folders' }
  | { name: 'folder'; folder: MailFolder }
  | { name: 'messages_delta'; folder: MailFolder }
  | { name: 'events_delta' };

const day = 86_400;

export class MicrosoftGraphApi implements SandboxProvider {
  readonly store: MailboxStore;
  readonly oauth: IdentityPlatform;
  readonly delta: DeltaEngine;
  private readonly ids: RequestIds;
  private readonly budget: RateLimitWindow;

  constructor(private readonly options: MicrosoftApiOptions) {
    this.store = new MailboxStore(options.seed, options.records);
    this.oauth = options.oauth;
    this.delta = new DeltaEngine(this.store, options.deltaTokenCapacity ?? 1000);
    this.ids = new RequestIds(options.seed);
    this.budget = new RateLimitWindow(options.rateLimit ?? 10_000, 600, options.enforceRateLimit ?? false);
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.ids.next();
    const denied = this.authenticate(req, requestId);
    if (denied) return denied;
    const window = this.budget.hit();
    if (window.exhausted) {
      return throttled(req, requestId, Math.max(1, window.reset - Math.floor(Date.now() / 1000)), 'TooManyRequests', 'Please retry again later.');
    }
    const parts = req.url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] !== 'v1.0') return graphError(400, 'BadRequest', `Invalid version: ${parts[0] ?? ''}`, req, requestId);
    if (req.method !== 'GET') return graphError(405, 'Request_BadRequest', 'The requested resource does not support the HTTP method.', req, requestId);
    const route = this.route(parts.slice(1), req, requestId);
    if ('status' in route) return route;
    const response = this.serve(route, req, requestId);
    return { ...response, headers: { ...graphHeaders(req, requestId), ...response.headers } };
  }

  renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
    return faultResponse(fault, req, this.ids.next());
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    return this.store.applyChanges(change);
  }

  info(): MicrosoftSandboxInfo {
    const { world } = this.store;
    const perFolder = this.store.folderCounts();
    return {
      provider: 'microsoft',
      seed: this.options.seed,
      user: { id: world.owner.id, userPrincipalName: world.owner.address, displayName: world.owner.name },
      clock: isoSeconds(this.store.clock.now()),
      counts: { events: this.store.events.count(), messages: perFolder.inbox + perFolder.sentitems },
      folders: Object.fromEntries(folders.map((f) => [f, { id: world.folderId(f), messages: perFolder[f] }])) as MicrosoftSandboxInfo['folders'],
      calendar_window: calendarWindow(world.anchor),
    };
  }

  /** Graph answers every refused token with 401 `InvalidAuthenticationToken`, the message saying why. */
  private authenticate(req: SandboxRequest, requestId: string): SandboxResponse | null {
    const token = bearerOf(req);
    if (this.oauth.accepts(token)) return null;
    let message = 'Access token is empty.';
    if (token && !token.includes('.')) {
      message =
        "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";
    } else if (token?.startsWith(accessTokenPrefix)) {
      message = 'Lifetime validation failed, the token is expired.';
    } else if (token) {
      message = 'Access token validation failure. Invalid audience.';
    }
    return graphError(401, 'InvalidAuthenticationToken', message, req, requestId, { 'www-authenticate': graphChallenge });
  }

  private route(parts: string[], req: SandboxRequest, requestId: string): Route | SandboxResponse {
    const [root, userKey, ...rest] = parts;
    let tail: string[];
    if (root?.toLowerCase() === 'me') {
      tail = parts.slice(1);
    } else if (root?.toLowerCase() === 'users' && userKey !== undefined) {
      const { owner } = this.store.world;
      const key = decodeURIComponent(userKey).toLowerCase();
      if (key !== owner.id && key !== owner.address) {
        return graphError(404, 'Request_ResourceNotFound', `Resource '${decodeURIComponent(userKey)}' does not exist or one of its queried reference-property objects are not present.`, req, requestId);
      }
      tail = rest;
    } else {
      return graphError(400, 'BadRequest', `Resource not found for the segment '${root ?? ''}'.`, req, requestId);
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
      const folder = this.store.world.folderOf(folderKey);
      if (!folder) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.', req, requestId);
      if (after.length === 0) return { name: 'folder', folder };
      if (after.length === 2 && after[0] === 'messages' && after[1] === 'delta') return { name: 'messages_delta', folder };
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${tail.at(-1) ?? ''}'.`, req, requestId);
  }

  private serve(route: Route, req: SandboxRequest, requestId: string): SandboxResponse {
    switch (route.name) {
      case 'me':
        return { status: 200, body: userObject(this.store, req.origin) };
      case 'folders': {
        const counts = this.store.folderCounts();
        return {
          status: 200,
          body: { '@odata.context': `${req.origin}/v1.0/$metadata#users('${this.store.world.owner.id}')/mailFolders`, value: folders.map((f) => mailFolderObject(this.store, f, counts[f])) },
        };
      }
      case 'folder':
        return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#users('${this.store.world.owner.id}')/mailFolders/$entity`, ...mailFolderObject(this.store, route.folder, this.store.folderCounts()[route.folder]) } };
      case 'events_delta':
      case 'messages_delta':
        return this.serveDelta(route, req, requestId);
    }
  }

  private serveDelta(route: Extract<Route, { name: 'events_delta' | 'messages_delta' }>, req: SandboxRequest, requestId: string): SandboxResponse {
    const params = lowerParams(req.url.searchParams);
    const bad = (code: string, message: string) => graphError(400, code, message, req, requestId);
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
    const outcome = this.delta.page(request, pageSize ?? defaultPageSize);
    if (!outcome.ok) return graphError(outcome.status, outcome.code, outcome.message, req, requestId);
    if (route.name === 'messages_delta' && outcome.scope.folder !== route.folder) {
      return bad('ErrorInvalidUrlQuery', 'The state token belongs to another folder.');
    }
    return {
      status: 200,
      headers: pageSize === null ? {} : { 'preference-applied': `odata.maxpagesize=${pageSize}` },
      body: this.deltaBody(req.origin, outcome),
    };
  }

  private deltaBody(origin: string, outcome: Extract<DeltaOutcome, { ok: true }>): Record<string, unknown> {
    const path = deltaPath(outcome.scope, this.store.world.folderId.bind(this.store.world));
    const entity = outcome.scope.stream === 'events' ? 'event' : 'message';
    const link =
      'skiptoken' in outcome.next
        ? { '@odata.nextLink': `${origin}/v1.0${path}?$skiptoken=${outcome.next.skiptoken}` }
        : { '@odata.deltaLink': `${origin}/v1.0${path}?$deltatoken=${outcome.next.deltatoken}` };
    return { '@odata.context': `${origin}/v1.0/$metadata#Collection(${entity})`, ...link, value: outcome.value };
  }
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

/** A window a year either side of the anchor: wider than every event the sandbox holds or creates. */
export function calendarWindow(anchor: number): { start: string; end: string } {
  return { start: isoSeconds(anchor - 365 * day).slice(0, 10), end: isoSeconds(anchor + 365 * day).slice(0, 10) };
}
