import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  type SandboxOAuth,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { messagePage, threadPage } from './listing.js';
import { Mailbox, type HistoryRecord } from './mailbox.js';
import { booleanOf, maxResultsOf, messageFilterOf } from './query.js';
import { messageJson, ownerOf, profileJson, threadJson, threadListItem, type Json, type MessageFormat } from './render.js';
import {
  badRequest,
  delegationDenied,
  faultResponse,
  invalidCredentials,
  jsonHeaders,
  missingCredentials,
  notFound,
  QuotaWindow,
  quotaUnits,
  userRateLimitExceeded,
} from './responses.js';

/**
 * The simulated Gmail API v1: `users.getProfile`, `users.messages.list/get`, `users.threads.list/get` and
 * `users.history.list` under `/gmail/v1/users/{userId}/…`, with Google's bearer-token check (an access token
 * from the sandbox's OAuth server, or the printed static token) and Google's error bodies.
 */
export interface GmailApiOptions {
  seed: number;
  records: number;
  /** The shared business world's seed (see the sandbox kit's `businessWorld`). */
  world?: number;
  oauth: SandboxOAuth;
  /** History records kept before the oldest start ids begin to get 404 (Gmail keeps about a week). */
  historyRetention?: number;
  /** Quota units a minute per user (Gmail: 15,000). */
  quotaPerMinute?: number;
  /** Refuse requests past the quota with 403 userRateLimitExceeded. Default false. */
  enforceQuota?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface GmailSandboxInfo {
  provider: 'gmail';
  seed: number;
  email_address: string;
  history_id: string;
  /** Live records a default sync reads (Spam and Trash left out). */
  counts: { messages: number; threads: number };
  /** Messages and threads in Spam or Trash, read only with `include_spam_trash`. */
  spam_trash: { messages: number; threads: number };
  quota_units_this_minute: number;
}

type Route =
  | { method: 'getProfile' }
  | { method: 'messages.list' }
  | { method: 'messages.get'; id: string }
  | { method: 'threads.list' }
  | { method: 'threads.get'; id: string }
  | { method: 'history.list' };

const formats: MessageFormat[] = ['minimal', 'metadata', 'full', 'raw'];
const historyFields: Record<string, keyof HistoryRecord> = {
  messageAdded: 'messagesAdded',
  messageDeleted: 'messagesDeleted',
  labelAdded: 'labelsAdded',
  labelRemoved: 'labelsRemoved',
};

export class GmailApi implements SandboxProvider {
  readonly mailbox: Mailbox;
  readonly oauth: SandboxOAuth;
  private readonly quota: QuotaWindow;

  constructor(private readonly options: GmailApiOptions) {
    this.mailbox = new Mailbox(options.seed, options.records, options.historyRetention, options.world);
    this.oauth = options.oauth;
    this.quota = new QuotaWindow(options.quotaPerMinute ?? 15_000, options.enforceQuota ?? false);
  }

  handle(req: SandboxRequest): SandboxResponse {
    if (req.headers.authorization === undefined || req.headers.authorization.trim() === '') return missingCredentials();
    if (!this.oauth.accepts(bearerOf(req))) return invalidCredentials();
    const match = /^\/gmail\/v1\/users\/([^/]+)(\/.*)?$/.exec(req.url.pathname);
    const route = match && req.method === 'GET' ? this.route(match[2] ?? '') : null;
    if (!match || !route) return notFound();
    const user = decodeURIComponent(match[1]!);
    if (user !== 'me' && user.toLowerCase() !== ownerOf(this.options.seed).email) return delegationDenied(user);
    if (!this.quota.charge(quotaUnits[route.method] ?? 1)) return userRateLimitExceeded();
    const response = this.serve(route, req.url.searchParams);
    return { ...response, headers: { ...jsonHeaders, ...response.headers } };
  }

  renderFault(fault: ActiveFault): SandboxResponse {
    return faultResponse(fault);
  }

  applyChanges(change: ChangeRequest): unknown {
    return this.mailbox.applyChanges(change);
  }

  info(): GmailSandboxInfo {
    const { totals } = this.mailbox;
    return {
      provider: 'gmail',
      seed: this.options.seed,
      email_address: ownerOf(this.options.seed).email,
      history_id: String(this.mailbox.historyId),
      counts: { messages: totals.messages, threads: totals.threads },
      spam_trash: { messages: totals.hiddenMessages, threads: totals.hiddenThreads },
      quota_units_this_minute: this.quota.usedThisMinute,
    };
  }

  private route(rest: string): Route | null {
    const parts = rest.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    if (parts.length === 1 && parts[0] === 'profile') return { method: 'getProfile' };
    if (parts.length === 1 && parts[0] === 'history') return { method: 'history.list' };
    if (parts[0] === 'messages' && parts.length <= 2) return parts[1] === undefined ? { method: 'messages.list' } : { method: 'messages.get', id: parts[1] };
    if (parts[0] === 'threads' && parts.length <= 2) return parts[1] === undefined ? { method: 'threads.list' } : { method: 'threads.get', id: parts[1] };
    return null;
  }

  private serve(route: Route, params: URLSearchParams): SandboxResponse {
    switch (route.method) {
      case 'getProfile':
        return { status: 200, body: profileJson(this.mailbox) };
      case 'messages.list':
        return this.listMessages(params);
      case 'threads.list':
        return this.listThreads(params);
      case 'history.list':
        return this.listHistory(params);
      case 'messages.get': {
        const format = formatOf(params);
        if (format === null) return badRequest(`Invalid value at 'format', "${params.get('format') ?? ''}"`);
        const k = this.mailbox.indexOfId(route.id);
        if (k === null) return notFound();
        return { status: 200, body: messageJson(this.mailbox, k, format, params.getAll('metadataHeaders')) };
      }
      case 'threads.get': {
        const format = formatOf(params);
        if (format === null || format === 'raw') return badRequest(`Invalid value at 'format', "${params.get('format') ?? ''}"`);
        const thread = this.mailbox.threadKeyOfId(route.id);
        if (thread === null) return notFound();
        return { status: 200, body: threadJson(this.mailbox, thread, format, params.getAll('metadataHeaders')) };
      }
    }
  }

  private listMessages(params: URLSearchParams): SandboxResponse {
    const max = maxResultsOf(params);
    if (!max.ok) return badRequest(max.message);
    const filter = messageFilterOf(params);
    if (!filter.ok) return badRequest(filter.message);
    const page = messagePage(this.mailbox, filter.value, params.get('pageToken') || null, max.value);
    if (page === null) return badRequest('Invalid pageToken');
    const { totals } = this.mailbox;
    const unfiltered = filter.value.afterMs === null && filter.value.beforeMs === null && filter.value.labels.length === 0;
    // Gmail calls it an estimate; unfiltered it is the mailbox size, filtered a lower bound.
    const estimate = unfiltered
      ? totals.messages + (filter.value.includeSpamTrash ? totals.hiddenMessages : 0)
      : page.items.length + (page.next ? max.value : 0);
    const body: Json = {};
    if (page.items.length > 0) {
      body['messages'] = page.items.map((k) => ({ id: this.mailbox.idOf(k), threadId: this.mailbox.idOf(this.mailbox.threadOf(k)) }));
    }
    if (page.next) body['nextPageToken'] = page.next;
    body['resultSizeEstimate'] = estimate;
    return { status: 200, body };
  }

  private listThreads(params: URLSearchParams): SandboxResponse {
    const max = maxResultsOf(params);
    if (!max.ok) return badRequest(max.message);
    if ((params.get('q') ?? '') !== '' || params.getAll('labelIds').length > 0) {
      return badRequest('The sandbox does not simulate q or labelIds on threads.list');
    }
    const include = booleanOf(params, 'includeSpamTrash');
    const page = threadPage(this.mailbox, include, params.get('pageToken') || null, max.value);
    if (page === null) return badRequest('Invalid pageToken');
    const { totals } = this.mailbox;
    const body: Json = {};
    if (page.items.length > 0) body['threads'] = page.items.map((thread) => threadListItem(this.mailbox, thread));
    if (page.next) body['nextPageToken'] = page.next;
    body['resultSizeEstimate'] = totals.threads + (include ? totals.hiddenThreads : 0);
    return { status: 200, body };
  }

  /**
   * `history.list`: records after `startHistoryId`, oldest first, optionally only some `historyTypes` (a record
   * keeps only those of its changes) or only those touching `labelId`. 404 when the start is older than the
   * history kept; the response's `historyId` is always the mailbox's current one.
   */
  private listHistory(params: URLSearchParams): SandboxResponse {
    const start = params.get('startHistoryId');
    if (start === null || start === '') return badRequest('Missing required parameter: startHistoryId');
    if (!/^[0-9]+$/.test(start)) return badRequest(`Invalid value at 'start_history_id' (TYPE_UINT64), "${start}"`);
    const max = maxResultsOf(params);
    if (!max.ok) return badRequest(max.message);
    const types = params.getAll('historyTypes');
    const unknown = types.find((type) => historyFields[type] === undefined);
    if (unknown !== undefined) return badRequest(`Invalid value at 'history_types', "${unknown}"`);
    const pageToken = params.get('pageToken') || null;
    if (pageToken !== null && !/^[0-9]+$/.test(pageToken)) return badRequest('Invalid pageToken');

    const records = this.mailbox.historyAfter(Math.max(Number(start), pageToken === null ? 0 : Number(pageToken)));
    if (records === null) return notFound();
    const wanted = types.length > 0 ? types.map((type) => historyFields[type]!) : Object.values(historyFields);
    const labelId = params.get('labelId');
    const selected: Json[] = [];
    let more = false;
    for (const record of records) {
      const shown = selectChanges(record, wanted, labelId);
      if (shown === null) continue;
      if (selected.length === max.value) {
        more = true;
        break;
      }
      selected.push(shown);
    }
    const body: Json = {};
    if (selected.length > 0) body['history'] = selected;
    if (more) body['nextPageToken'] = String(selected.at(-1)!['id']);
    body['historyId'] = String(this.mailbox.historyId);
    return { status: 200, body };
  }
}

function formatOf(params: URLSearchParams): MessageFormat | null {
  const raw = (params.get('format') ?? 'full').toLowerCase();
  return formats.includes(raw as MessageFormat) ? (raw as MessageFormat) : null;
}

/** The record with only the wanted kinds of change (and, with a label, only changes to messages bearing it). */
function selectChanges(record: HistoryRecord, wanted: (keyof HistoryRecord)[], labelId: string | null): Json | null {
  const out: Json = { id: record.id, messages: record.messages };
  let any = false;
  for (const field of wanted) {
    const entries = record[field] as { message: { labelIds: string[] } }[] | undefined;
    const kept = entries?.filter((entry) => labelId === null || entry.message.labelIds.includes(labelId));
    if (kept && kept.length > 0) {
      out[field] = kept;
      any = true;
    }
  }
  return any ? out : null;
}
