import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  formOf,
  isoSeconds,
  jsonOf,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { historyPage } from './history.js';
import { decodeCursor, encodeCursor, RequestIds } from './ids.js';
import { formatMicros, parseMicros } from './layout.js';
import { renderMessage } from './messages.js';
import { SlackSandboxOAuth, type SlackOAuthOptions } from './oauth-app.js';
import { repliesPage } from './replies-page.js';
import { renderReply, withThread } from './reply-message.js';
import { faultResponse, headers, MethodRateLimits, rateLimited, refusal } from './responses.js';
import { SlackStore, type ChangeResult } from './store.js';
import { ThreadStore, type ThreadChangeResult } from './thread-store.js';
import { SlackWorld } from './world.js';

/**
 * The simulated Web API: `https://slack.com/api/<method>` becomes `<sandbox>/api/<method>`, GET with a query or
 * POST with a form (or JSON) body, the token in `Authorization: Bearer` (or a form `token` argument). Methods:
 * auth.test, conversations.list, conversations.history, conversations.replies, users.list; OAuth v2 and
 * auth.revoke are answered by `oauth` before this code runs.
 */
export interface SlackApiOptions extends SlackOAuthOptions {
  seed: number;
  records: number;
  token: string;
  /** Refuse calls over a method's per-minute tier with 429 + Retry-After, as Slack does. Default false. */
  enforceRateLimit?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface SlackSandboxInfo {
  provider: 'slack';
  seed: number;
  team: { id: string; name: string; domain: string };
  bot_user_id: string;
  /** The sandbox clock: the ts of the latest change (or just after the seeded messages). */
  clock: string;
  /** `messages`: top-level messages, as history lists them; `threads`: thread replies, which history leaves out. */
  counts: { channels: number; users: number; messages: number; threads: number };
  channels: { id: string; name: string; is_member: boolean; is_private: boolean; is_archived: boolean; messages: number; replies: number }[];
}

type Params = (name: string) => string | null;

const listTypes = new Set(['public_channel', 'private_channel', 'mpim', 'im']);

export class SlackApi implements SandboxProvider {
  readonly world: SlackWorld;
  readonly store: SlackStore;
  readonly threads: ThreadStore;
  readonly oauth: SlackSandboxOAuth;
  private readonly requestIds: RequestIds;
  private readonly limits: MethodRateLimits;

  constructor(private readonly options: SlackApiOptions) {
    this.world = new SlackWorld(options.seed, options.records);
    this.store = new SlackStore(this.world, options.records);
    this.threads = new ThreadStore(this.world, this.store);
    this.oauth = new SlackSandboxOAuth(this.world, options);
    this.oauth.addStaticToken(options.token);
    this.requestIds = new RequestIds(options.seed);
    this.limits = new MethodRateLimits(options.enforceRateLimit ?? false);
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.requestIds.next();
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(req.url.pathname);
    if (!match) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
    const method = match[1]!;
    const params = paramsOf(req);
    const token = bearerOf(req) ?? (req.method === 'POST' ? formOf(req).get('token') : null);
    if (!token) return refusal('not_authed', requestId, method);
    if (!this.oauth.accepts(token)) return refusal('invalid_auth', requestId, method);
    const wait = this.limits.hit(method);
    if (wait !== null) return rateLimited(wait, requestId, method);
    const ok = (body: Record<string, unknown>): SandboxResponse => ({ status: 200, headers: headers(requestId, method), body: { ok: true, ...body } });
    const fail = (error: string) => refusal(error, requestId, method);
    switch (method) {
      case 'auth.test':
        return ok({
          url: `https://${this.world.domain}.slack.com/`,
          team: this.world.teamName,
          user: 'tributary',
          team_id: this.world.teamId,
          user_id: this.world.botUserId,
          bot_id: this.world.botId,
          is_enterprise_install: false,
        });
      case 'conversations.list':
        return this.conversationsList(params, ok, fail);
      case 'conversations.history':
        return this.conversationsHistory(params, ok, fail);
      case 'conversations.replies':
        return this.conversationsReplies(params, ok, fail);
      case 'users.list':
        return this.usersList(params, ok, fail);
      default:
        return { status: 404, headers: headers(requestId, null), body: { ok: false, error: 'unknown_method', req_method: method } };
    }
  }

  renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(req.url.pathname)?.[1] ?? null;
    return faultResponse(fault, this.requestIds.next(), method);
  }

  applyChanges(change: ChangeRequest): ChangeResult | ThreadChangeResult {
    return change.stream === 'threads' ? this.threads.applyChanges(change) : this.store.applyChanges(change);
  }

  info(): SlackSandboxInfo {
    const replies = this.threads.perChannel();
    const channels = this.world.channels.map((c, index) => {
      const position = this.world.readable.indexOf(index);
      let messages = 0;
      if (position !== -1) {
        for (let i = 0; i < this.store.channelLength(position); i++) if (this.store.exists(this.store.channelAt(position, i))) messages++;
      }
      return { id: c.id, name: c.name, is_member: c.isMember, is_private: c.isPrivate, is_archived: c.isArchived, messages, replies: position === -1 ? 0 : replies[position]! };
    });
    return {
      provider: 'slack',
      seed: this.options.seed,
      team: { id: this.world.teamId, name: this.world.teamName, domain: this.world.domain },
      bot_user_id: this.world.botUserId,
      clock: isoSeconds(this.store.clock.now()),
      counts: {
        channels: this.world.channels.length,
        users: this.world.users.length,
        messages: this.store.liveCount,
        threads: replies.reduce((sum, n) => sum + n, 0),
      },
      channels,
    };
  }

  /** Public channels (member or not) and the private channels the bot is in, `team:<id>` cursors. */
  private conversationsList(param: Params, ok: (b: Record<string, unknown>) => SandboxResponse, fail: (e: string) => SandboxResponse): SandboxResponse {
    const types = (param('types') ?? 'public_channel').split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (types.some((t) => !listTypes.has(t))) return fail('invalid_types');
    const excludeArchived = isTrue(param('exclude_archived'));
    const limit = readLimit(param('limit'), 100, 1000);
    if (limit === null) return fail('invalid_limit');
    const visible = this.world.channels
      .map((c, index) => ({ c, index }))
      .filter(({ c }) => (c.isPrivate ? types.includes('private_channel') && c.isMember : types.includes('public_channel')))
      .filter(({ c }) => !(excludeArchived && c.isArchived));
    const start = this.cursorStart(param('cursor'), 'team', visible.map(({ c }) => c.id));
    if (start === null) return fail('invalid_cursor');
    const page = visible.slice(start, start + limit);
    const next = visible[start + limit];
    return ok({ channels: page.map(({ index }) => this.world.channelObject(index)), response_metadata: { next_cursor: next ? encodeCursor('team', next.c.id) : '' } });
  }

  /** Everyone, bots and deactivated members included; without a limit, the whole list at once. */
  private usersList(param: Params, ok: (b: Record<string, unknown>) => SandboxResponse, fail: (e: string) => SandboxResponse): SandboxResponse {
    const users = this.world.users;
    const limit = readLimit(param('limit'), 0, 1000);
    if (limit === null) return fail('invalid_limit');
    const start = this.cursorStart(param('cursor'), 'user', users.map((u) => u['id'] as string));
    if (start === null) return fail('invalid_cursor');
    const end = limit === 0 ? users.length : Math.min(users.length, start + limit);
    const next = users[end];
    return ok({
      members: users.slice(start, end),
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: { next_cursor: next ? encodeCursor('user', next['id'] as string) : '' },
    });
  }

  /**
   * What `conversations.history` and `conversations.replies` both take, checked in Slack's order: the channel (one
   * the bot is in), `oldest` / `latest`, `limit` (default and cap differ by method) and the `next_ts` cursor.
   */
  private channelWindow(param: Params, limits: { default: number; max: number }): { error: string } | { position: number; oldest: number | null; latest: number | null; limit: number; from: number | null } {
    const index = this.world.channelIndex(param('channel') ?? '');
    if (index === null) return { error: 'channel_not_found' };
    const position = this.world.readable.indexOf(index);
    if (position === -1) return { error: 'not_in_channel' };
    const oldest = readTs(param('oldest'));
    if (oldest === undefined) return { error: 'invalid_ts_oldest' };
    const latest = readTs(param('latest'));
    if (latest === undefined) return { error: 'invalid_ts_latest' };
    const limit = readLimit(param('limit'), limits.default, limits.max);
    if (limit === null || limit === 0) return { error: 'invalid_limit' };
    let from: number | null = null;
    const cursor = param('cursor');
    if (cursor) {
      const decoded = decodeCursor('next_ts', cursor);
      if (decoded === null || !/^\d{7,18}$/.test(decoded)) return { error: 'invalid_cursor' };
      from = Number(decoded);
    }
    return { position, oldest, latest, limit, from };
  }

  private conversationsHistory(param: Params, ok: (b: Record<string, unknown>) => SandboxResponse, fail: (e: string) => SandboxResponse): SandboxResponse {
    const window = this.channelWindow(param, { default: 100, max: 999 });
    if ('error' in window) return fail(window.error);
    const { position, oldest, latest, limit, from } = window;
    const page = historyPage(this.store, { position, oldest, latest, inclusive: isTrue(param('inclusive')), limit, from });
    return ok({
      messages: page.items.map((k) => this.renderTopLevel(k)),
      has_more: page.next !== null,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      ...(page.next === null ? {} : { response_metadata: { next_cursor: encodeCursor('next_ts', formatMicros(page.next).replace('.', '')) } }),
    });
  }

  /**
   * A thread, parent first on every page, then its replies oldest first. `ts` may name the parent or any reply;
   * an ordinary message comes back alone; a join, a deleted message or an unknown ts is `thread_not_found`.
   */
  private conversationsReplies(param: Params, ok: (b: Record<string, unknown>) => SandboxResponse, fail: (e: string) => SandboxResponse): SandboxResponse {
    const window = this.channelWindow(param, { default: 1000, max: 1000 });
    // A missing or unreadable ts is Slack's thread_not_found, after the channel checks.
    if ('error' in window && (window.error === 'channel_not_found' || window.error === 'not_in_channel')) return fail(window.error);
    const ts = readTs(param('ts'));
    if (ts === null || ts === undefined) return fail('thread_not_found');
    if ('error' in window) return fail(window.error);
    const { position, oldest, latest, limit, from } = window;
    const k = this.threads.threadOf(position, ts);
    if (k === null) return fail('thread_not_found');
    const parent = this.renderTopLevel(k);
    const page = repliesPage(this.threads.replies(k), { oldest, latest, inclusive: isTrue(param('inclusive')), limit, from });
    return ok({
      messages: [parent, ...page.items.map((reply) => renderReply(this.world, reply, this.threads.author(reply), parent))],
      has_more: page.next !== null,
      response_metadata: { next_cursor: page.next === null ? '' : encodeCursor('next_ts', formatMicros(page.next).replace('.', '')) },
    });
  }

  private renderTopLevel(k: number): Record<string, unknown> {
    return withThread(renderMessage(this.world, this.store.facts(k)), this.threads.summary(k));
  }

  /** The list position a `<kind>:<id>` cursor points at; 0 without a cursor, null when it is not one of ours. */
  private cursorStart(cursor: string | null, kind: string, ids: string[]): number | null {
    if (!cursor) return 0;
    const id = decodeCursor(kind, cursor);
    const index = id === null ? -1 : ids.indexOf(id);
    return index === -1 ? null : index;
  }
}

/** Query arguments, then form or JSON body arguments (a POST may send either). */
function paramsOf(req: SandboxRequest): Params {
  const query = req.url.searchParams;
  let body = new URLSearchParams();
  if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('json')) {
      const json = jsonOf(req);
      if (json && typeof json === 'object') {
        for (const [key, value] of Object.entries(json)) if (value !== null && value !== undefined) body.set(key, String(value));
      }
    } else {
      body = formOf(req);
    }
  }
  return (name) => body.get(name) ?? query.get(name);
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

/** A limit argument: the default when absent, capped at the method's maximum; null when not a number. */
function readLimit(value: string | null, fallback: number, max: number): number | null {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) return null;
  return Math.min(max, Number(value));
}

/** A ts argument in microseconds: null when absent, undefined when malformed. */
function readTs(value: string | null): number | null | undefined {
  if (value === null || value === '') return null;
  return parseMicros(value) ?? undefined;
}
