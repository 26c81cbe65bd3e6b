import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSandbox, DEFAULT_SLACK_SANDBOX_TOKEN, SLACK_SANDBOX_CLIENT_ID, SLACK_SANDBOX_CLIENT_SECRET, type SlackSandboxHandle } from './index.js';

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

async function api(sandbox: SlackSandboxHandle, method: string, params: Record<string, string | number> = {}, token: string | null = sandbox.token): Promise<Reply> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const response = await fetch(`${sandbox.url}/api/${method}?${query}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

async function control(sandbox: SlackSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as Json) };
}

/** Every message of a channel, newest first, following `response_metadata.next_cursor`. */
async function history(sandbox: SlackSandboxHandle, channel: string, params: Record<string, string | number> = {}): Promise<{ messages: Json[]; pages: number }> {
  const messages: Json[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await api(sandbox, 'conversations.history', { channel, ...params, ...(cursor ? { cursor } : {}) });
    expect(res.body['ok'], JSON.stringify(res.body)).toBe(true);
    messages.push(...(res.body['messages'] as Json[]));
    pages++;
    const meta = res.body['response_metadata'] as { next_cursor?: string } | undefined;
    cursor = res.body['has_more'] === true ? meta?.next_cursor : undefined;
  } while (cursor);
  return { messages, pages };
}

const tsNumber = (m: Json) => Number(m['ts']);

/** The thread parents of a channel, from its whole history. */
async function parents(sandbox: SlackSandboxHandle, channel: string): Promise<Json[]> {
  return (await history(sandbox, channel)).messages.filter((m) => typeof m['reply_count'] === 'number');
}

/** Every page of one thread with `conversations.replies`, following `next_cursor`. */
async function thread(sandbox: SlackSandboxHandle, channel: string, ts: string, params: Record<string, string | number> = {}): Promise<{ pages: Json[][]; replies: Json[] }> {
  const pages: Json[][] = [];
  let cursor = '';
  do {
    const res = await api(sandbox, 'conversations.replies', { channel, ts, ...params, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    expect(res.body['ok'], JSON.stringify(res.body)).toBe(true);
    pages.push(res.body['messages'] as Json[]);
    cursor = (res.body['response_metadata'] as { next_cursor: string }).next_cursor;
    expect(res.body['has_more']).toBe(cursor !== '');
  } while (cursor);
  return { pages, replies: pages.flatMap((page) => page.slice(1)) };
}

describe('slack sandbox', () => {
  let sandbox: SlackSandboxHandle;
  beforeAll(async () => {
    sandbox = await createSlackSandbox({ port: 0, records: 1200, seed: 5 });
  });
  afterAll(() => sandbox.close());

  describe('authentication', () => {
    it('refuses a missing token with not_authed and a wrong one with invalid_auth, both HTTP 200 as Slack does', async () => {
      const missing = await api(sandbox, 'auth.test', {}, null);
      expect(missing.status).toBe(200);
      expect(missing.body).toEqual({ ok: false, error: 'not_authed' });
      const wrong = await api(sandbox, 'conversations.list', {}, 'xoxb-wrong');
      expect(wrong.status).toBe(200);
      expect(wrong.body).toEqual({ ok: false, error: 'invalid_auth' });
      expect(wrong.headers.get('x-slack-req-id')).toMatch(/^[0-9a-f]{32}$/);
    });

    it('accepts the printed token in the header or as a POST form argument, and auth.test names the bot', async () => {
      expect(sandbox.token).toBe(DEFAULT_SLACK_SANDBOX_TOKEN);
      const viaHeader = await api(sandbox, 'auth.test');
      expect(viaHeader.body).toMatchObject({ ok: true, team_id: sandbox.info().team.id, user_id: sandbox.info().bot_user_id, user: 'tributary' });
      const viaForm = await fetch(`${sandbox.url}/api/auth.test`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: sandbox.token }).toString(),
      });
      expect(((await viaForm.json()) as Json)['ok']).toBe(true);
    });
  });

  describe('conversations.list', () => {
    it('lists public channels by default; private ones only when asked, and only those the bot is in', async () => {
      const info = sandbox.info();
      const publicOnly = await api(sandbox, 'conversations.list');
      const publicIds = (publicOnly.body['channels'] as Json[]).map((c) => c['id']);
      expect(publicIds).toEqual(info.channels.filter((c) => !c.is_private).map((c) => c.id));
      const both = await api(sandbox, 'conversations.list', { types: 'public_channel,private_channel' });
      const channels = both.body['channels'] as Json[];
      expect(channels).toHaveLength(info.counts.channels);
      expect(channels.filter((c) => c['is_private'] === true)).toHaveLength(1);
      expect(channels.filter((c) => c['is_member'] === false).map((c) => c['name'])).toEqual(['partners-external']);
      expect(channels[0]).toMatchObject({ name: 'general', is_general: true, is_channel: true, is_im: false });
      expect(both.body['response_metadata']).toEqual({ next_cursor: '' });
      expect((await api(sandbox, 'conversations.list', { types: 'public_channel,dm' })).body).toEqual({ ok: false, error: 'invalid_types' });
    });

    it('pages with base64 `team:<id>` cursors and refuses a cursor it did not issue', async () => {
      const seen: string[] = [];
      let cursor = '';
      do {
        const res = await api(sandbox, 'conversations.list', { types: 'public_channel,private_channel', limit: 2, ...(cursor ? { cursor } : {}) });
        const page = res.body['channels'] as Json[];
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page.map((c) => c['id'] as string));
        cursor = (res.body['response_metadata'] as { next_cursor: string }).next_cursor;
        if (cursor) expect(Buffer.from(cursor, 'base64').toString()).toMatch(/^team:C0/);
      } while (cursor);
      expect(seen).toEqual(sandbox.info().channels.map((c) => c.id));
      expect((await api(sandbox, 'conversations.list', { cursor: 'bm9wZQ==' })).body).toEqual({ ok: false, error: 'invalid_cursor' });
    });
  });

  it('users.list: everyone at once without a limit, pages with one, bots and a deactivated member included', async () => {
    const all = (await api(sandbox, 'users.list')).body['members'] as Json[];
    expect(all).toHaveLength(sandbox.info().counts.users);
    expect(all.some((u) => u['id'] === 'USLACKBOT')).toBe(true);
    expect(all.filter((u) => u['is_bot'] === true).map((u) => u['id'])).toEqual([sandbox.info().bot_user_id]);
    expect(all.filter((u) => u['deleted'] === true)).toHaveLength(1);
    const paged: Json[] = [];
    let cursor = '';
    do {
      const res = await api(sandbox, 'users.list', { limit: 3, ...(cursor ? { cursor } : {}) });
      paged.push(...(res.body['members'] as Json[]));
      cursor = (res.body['response_metadata'] as { next_cursor: string }).next_cursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  describe('conversations.history', () => {
    it('returns a channel newest first, over pages, every message once, with Slack ts values', async () => {
      const channel = sandbox.info().channels[1]!;
      const { messages, pages } = await history(sandbox, channel.id, { limit: 50 });
      expect(pages).toBe(Math.ceil(channel.messages / 50));
      expect(messages).toHaveLength(channel.messages);
      expect(new Set(messages.map((m) => m['ts'])).size).toBe(messages.length);
      for (const m of messages) expect(m['ts']).toMatch(/^\d{10}\.\d{6}$/);
      const times = messages.map(tsNumber);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(messages.some((m) => m['subtype'] === 'channel_join')).toBe(true);
      expect(messages.filter((m) => m['subtype'] === undefined).every((m) => typeof m['user'] === 'string' && typeof m['client_msg_id'] === 'string')).toBe(true);
    });

    it('bounds by oldest and latest, exclusive unless inclusive', async () => {
      const channel = sandbox.info().channels[0]!.id;
      const { messages } = await history(sandbox, channel);
      const [newest, second, third] = messages;
      const after = await api(sandbox, 'conversations.history', { channel, oldest: third!['ts'] as string });
      expect((after.body['messages'] as Json[]).map((m) => m['ts'])).toEqual([newest!['ts'], second!['ts']]);
      const inclusive = await api(sandbox, 'conversations.history', { channel, oldest: third!['ts'] as string, latest: second!['ts'] as string, inclusive: 'true' });
      expect((inclusive.body['messages'] as Json[]).map((m) => m['ts'])).toEqual([second!['ts'], third!['ts']]);
      expect((await api(sandbox, 'conversations.history', { channel, oldest: 'yesterday' })).body).toEqual({ ok: false, error: 'invalid_ts_oldest' });
    });

    it('refuses a channel the bot is not in, and one that does not exist', async () => {
      const outside = sandbox.info().channels.find((c) => !c.is_member)!;
      expect((await api(sandbox, 'conversations.history', { channel: outside.id })).body).toEqual({ ok: false, error: 'not_in_channel' });
      expect((await api(sandbox, 'conversations.history', { channel: 'C0NOPE' })).body).toEqual({ ok: false, error: 'channel_not_found' });
    });
  });

  describe('threads', () => {
    it('history shows parents with Slack\'s thread fields and leaves replies out; counts add up per channel', async () => {
      let total = 0;
      for (const channel of sandbox.info().channels.filter((c) => c.is_member)) {
        const { messages } = await history(sandbox, channel.id);
        expect(messages.filter((m) => m['thread_ts'] !== undefined && m['thread_ts'] !== m['ts']), 'no reply in history').toEqual([]);
        const found = messages.filter((m) => m['reply_count'] !== undefined);
        for (const parent of found) {
          expect(parent['thread_ts']).toBe(parent['ts']);
          expect(parent['subtype']).toBeUndefined();
          expect(parent['reply_count']).toBeGreaterThan(0);
          expect(parent['reply_users_count']).toBe((parent['reply_users'] as string[]).length);
          expect(Number(parent['latest_reply'])).toBeGreaterThan(Number(parent['ts']));
        }
        const replies = found.reduce((sum, m) => sum + (m['reply_count'] as number), 0);
        expect(replies, channel.name).toBe(channel.replies);
        total += replies;
      }
      expect(total).toBe(sandbox.info().counts.threads);
      expect(total).toBeGreaterThan(10);
    });

    it('conversations.replies pages a thread oldest first with the parent first on every page', async () => {
      const channel = sandbox.info().channels.find((c) => c.replies > 0)!.id;
      const parent = (await parents(sandbox, channel)).find((m) => (m['reply_count'] as number) >= 3)!;
      const { pages, replies } = await thread(sandbox, channel, parent['ts'] as string, { limit: 2 });
      expect(pages).toHaveLength(Math.ceil((parent['reply_count'] as number) / 2));
      for (const page of pages) expect(page[0]).toEqual(parent);
      expect(replies).toHaveLength(parent['reply_count'] as number);
      const times = replies.map(tsNumber);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
      expect(replies[replies.length - 1]!['ts']).toBe(parent['latest_reply']);
      expect(new Set(replies.map((r) => r['user']))).toEqual(new Set(parent['reply_users'] as string[]));
      for (const reply of replies) {
        expect(reply).toMatchObject({ type: 'message', thread_ts: parent['ts'], parent_user_id: parent['user'] });
        expect(reply['ts']).toMatch(/^\d{10}\.\d{6}$/);
        expect(reply['reply_count']).toBeUndefined();
      }
      // Without a limit, one page; a reply's ts names the same thread; a POST form is answered alike.
      const whole = await thread(sandbox, channel, parent['ts'] as string);
      expect(whole.pages).toHaveLength(1);
      expect(whole.replies).toEqual(replies);
      expect((await thread(sandbox, channel, replies[1]!['ts'] as string)).replies).toEqual(replies);
      const viaForm = await fetch(`${sandbox.url}/api/conversations.replies`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: sandbox.token, channel, ts: parent['ts'] as string }).toString(),
      });
      expect(((await viaForm.json()) as Json)['messages']).toEqual([parent, ...replies]);
    });

    it('conversations.replies bounds replies by oldest and latest, exclusive unless inclusive; an ordinary message comes back alone', async () => {
      const channel = sandbox.info().channels.find((c) => c.replies > 0)!.id;
      const parent = (await parents(sandbox, channel)).find((m) => (m['reply_count'] as number) >= 3)!;
      const ts = parent['ts'] as string;
      const { replies } = await thread(sandbox, channel, ts);
      const [first, second, third] = replies.map((r) => r['ts'] as string);
      const after = await thread(sandbox, channel, ts, { oldest: first! });
      expect(after.pages[0]![0]).toEqual(parent);
      expect(after.replies.map((r) => r['ts'])).toEqual(replies.slice(1).map((r) => r['ts']));
      const between = await thread(sandbox, channel, ts, { oldest: first!, latest: third!, inclusive: 'true' });
      expect(between.replies.map((r) => r['ts'])).toEqual([first, second, third]);
      const plain = (await history(sandbox, channel)).messages.find((m) => m['reply_count'] === undefined && m['subtype'] === undefined)!;
      const alone = await api(sandbox, 'conversations.replies', { channel, ts: plain['ts'] as string });
      expect(alone.body).toEqual({ ok: true, messages: [plain], has_more: false, response_metadata: { next_cursor: '' } });
    });

    it('conversations.replies refuses like Slack, with HTTP 200: thread_not_found, channel_not_found, not_in_channel, invalid_auth', async () => {
      const channel = sandbox.info().channels[0]!.id;
      const { messages } = await history(sandbox, channel);
      const join = messages.find((m) => m['subtype'] === 'channel_join')!;
      const refused = async (params: Record<string, string>, token: string | null = sandbox.token) => {
        const res = await api(sandbox, 'conversations.replies', params, token);
        expect(res.status).toBe(200);
        return res.body;
      };
      expect(await refused({ channel, ts: '1000000000.000001' })).toEqual({ ok: false, error: 'thread_not_found' });
      expect(await refused({ channel })).toEqual({ ok: false, error: 'thread_not_found' });
      expect(await refused({ channel, ts: join['ts'] as string }), 'joins cannot be threaded').toEqual({ ok: false, error: 'thread_not_found' });
      expect(await refused({ channel: 'C0NOPE', ts: join['ts'] as string })).toEqual({ ok: false, error: 'channel_not_found' });
      const outside = sandbox.info().channels.find((c) => !c.is_member)!;
      expect(await refused({ channel: outside.id, ts: join['ts'] as string })).toEqual({ ok: false, error: 'not_in_channel' });
      expect(await refused({ channel, ts: join['ts'] as string }, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
      expect(await refused({ channel, ts: join['ts'] as string, cursor: 'bm9wZQ==' })).toEqual({ ok: false, error: 'invalid_cursor' });
      expect(await refused({ channel, ts: join['ts'] as string, oldest: 'yesterday' })).toEqual({ ok: false, error: 'invalid_ts_oldest' });
    });

    it('conversations.replies takes injected rate limits and faults like every method, and declares the history scopes', async () => {
      const channel = sandbox.info().channels.find((c) => c.replies > 0)!.id;
      const [parent] = await parents(sandbox, channel);
      await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 3 });
      const limited = await api(sandbox, 'conversations.replies', { channel, ts: parent!['ts'] as string });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
      const ok = await api(sandbox, 'conversations.replies', { channel, ts: parent!['ts'] as string });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-accepted-oauth-scopes')).toBe('channels:history,groups:history,mpim:history,im:history');
    });
  });

  describe('changes', () => {
    it('posts new messages after all others, edits recent ones in place, and deletes without a trace', async () => {
      const before = sandbox.info();
      const result = await control(sandbox, 'changes', { stream: 'messages', create: 3, update: 4, delete: 2 });
      expect(result['status']).toBe(200);
      const created = result['created'] as { channel: string; ts: string }[];
      const updated = result['updated'] as { channel: string; ts: string }[];
      const deleted = result['deleted'] as { channel: string; ts: string }[];
      expect([created.length, updated.length, deleted.length]).toEqual([3, 4, 2]);
      expect(sandbox.info().counts.messages).toBe(before.counts.messages + 1);

      const batchTs = Number(result['ts']);
      for (const { channel, ts } of created) {
        const { messages } = await history(sandbox, channel);
        expect(messages[0]!['ts'], 'a new message is the newest of its channel').toBe(ts);
        expect(Number(ts)).toBeGreaterThan(batchTs - 1);
      }
      for (const { channel, ts } of updated) {
        const res = await api(sandbox, 'conversations.history', { channel, oldest: ts, latest: ts, inclusive: 1 });
        const [message] = res.body['messages'] as Json[];
        expect(message!['ts']).toBe(ts);
        expect(message!['edited']).toEqual({ user: message!['user'], ts: result['ts'] });
        // Recent: within the three days before the edit, inside the connector's seven-day look-back.
        expect(batchTs - Number(ts)).toBeLessThan(3 * 86_400);
      }
      for (const { channel, ts } of deleted) {
        const res = await api(sandbox, 'conversations.history', { channel, oldest: ts, latest: ts, inclusive: 1 });
        expect(res.body['messages']).toEqual([]);
      }
    });

    it('thread replies: a batch\'s new replies go to one recent thread and move its parent; its edits keep their ts; deletions vanish', async () => {
      const before = sandbox.info();
      const result = await control(sandbox, 'changes', { stream: 'threads', create: 3, update: 1, delete: 1 });
      expect(result['status']).toBe(200);
      const [created, updated, deleted] = (['created', 'updated', 'deleted'] as const).map((k) => result[k] as { channel: string; thread_ts: string; ts: string }[]);
      expect([created!.length, updated!.length, deleted!.length]).toEqual([3, 1, 1]);
      expect(sandbox.info().counts.threads).toBe(before.counts.threads + 2);
      const { channel, thread_ts: threadTs } = created![0]!;
      for (const change of [...created!, ...updated!, ...deleted!]) expect(change).toMatchObject({ channel, thread_ts: threadTs });
      expect(Number(result['ts']) - Number(threadTs), 'a thread of the last three days').toBeLessThan(3 * 86_400);

      const { pages, replies } = await thread(sandbox, channel, threadTs);
      const parent = pages[0]![0]!;
      expect(replies.slice(-3).map((r) => r['ts'])).toEqual(created!.map((c) => c.ts));
      expect(parent).toMatchObject({ reply_count: replies.length, latest_reply: created![2]!.ts });
      const [historyParent] = (await api(sandbox, 'conversations.history', { channel, oldest: threadTs, latest: threadTs, inclusive: 1 })).body['messages'] as Json[];
      expect(historyParent).toEqual(parent);
      const edited = replies.find((r) => r['ts'] === updated![0]!.ts)!;
      expect(edited['edited']).toEqual({ user: edited['user'], ts: result['ts'] });
      expect(replies.some((r) => r['ts'] === deleted![0]!.ts)).toBe(false);

      // Edits alone move nothing on the parent, as in Slack.
      const quiet = await control(sandbox, 'changes', { stream: 'threads', update: 2 });
      expect(quiet['updated']).toHaveLength(2);
      for (const u of quiet['updated'] as { channel: string; thread_ts: string; ts: string }[]) {
        const again = await thread(sandbox, u.channel, u.thread_ts);
        expect(again.replies.find((r) => r['ts'] === u.ts)!['edited']).toMatchObject({ ts: quiet['ts'] });
        expect(again.pages[0]![0]!['latest_reply']).toBe(again.replies[again.replies.length - 1]!['ts']);
      }
    });

    it('message deletions never take a thread parent (Slack would leave a tombstone)', async () => {
      const replies = sandbox.info().counts.threads;
      const result = await control(sandbox, 'changes', { stream: 'messages', delete: 60 });
      expect(result['deleted']).toHaveLength(60);
      let counted = 0;
      for (const channel of sandbox.info().channels.filter((c) => c.is_member)) {
        counted += (await parents(sandbox, channel.id)).reduce((sum, m) => sum + (m['reply_count'] as number), 0);
      }
      expect(counted).toBe(replies);
      expect(sandbox.info().counts.threads).toBe(replies);
    });

    it('only messages and threads change; other streams are refused', async () => {
      const res = await control(sandbox, 'changes', { stream: 'users', update: 1 });
      expect(res['status']).toBe(400);
    });
  });

  describe('rate limits and faults', () => {
    it('answers an injected rate limit with 429, Retry-After and `ratelimited`, and a server error in Slack\'s shape', async () => {
      await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 7 });
      const limited = await api(sandbox, 'users.list');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
      await control(sandbox, 'faults', { kind: 'server_error', status: 503 });
      const down = await api(sandbox, 'users.list');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ ok: false, error: 'service_unavailable' });
      expect((await api(sandbox, 'users.list')).status).toBe(200);
    });

    it('enforces the Tier 2 budget of users.list (20 a minute) when asked to', async () => {
      const strict = await createSlackSandbox({ port: 0, records: 50, seed: 5, enforceRateLimit: true });
      try {
        for (let i = 0; i < 20; i++) expect((await api(strict, 'users.list')).status).toBe(200);
        const refused = await api(strict, 'users.list');
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        // Budgets are per method: conversations.list still has its own.
        expect((await api(strict, 'conversations.list')).status).toBe(200);
      } finally {
        await strict.close();
      }
    });
  });

  describe('OAuth v2', () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const basic = `Basic ${Buffer.from(`${SLACK_SANDBOX_CLIENT_ID}:${SLACK_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
    const exchange = (code: string) =>
      fetch(sandbox.oauth!.token_url, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
      });

    it('runs authorize → code → oauth.v2.access → a bot token that works until auth.revoke', async () => {
      expect(sandbox.oauth?.authorization_url).toBe(`${sandbox.url}/oauth/v2/authorize`);
      const authorize = new URL(sandbox.oauth!.authorization_url);
      authorize.search = new URLSearchParams({ client_id: SLACK_SANDBOX_CLIENT_ID, scope: 'channels:read,users:read', redirect_uri: redirectUri, state: 's1', response_type: 'code' }).toString();
      const consent = await fetch(authorize, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const back = new URL(consent.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('s1');
      const code = back.searchParams.get('code')!;

      const granted = (await (await exchange(code)).json()) as Json;
      expect(granted).toMatchObject({
        ok: true,
        token_type: 'bot',
        scope: 'channels:read,users:read',
        bot_user_id: sandbox.info().bot_user_id,
        team: { id: sandbox.info().team.id, name: sandbox.info().team.name },
        enterprise: null,
      });
      expect(granted['refresh_token']).toBeUndefined();
      expect(granted['expires_in']).toBeUndefined();
      const token = granted['access_token'] as string;
      expect(token).toMatch(/^xoxb-/);
      expect((await api(sandbox, 'auth.test', {}, token)).body['ok']).toBe(true);

      // A code is good once; Slack's errors are HTTP 200 with `ok: false`.
      const reused = await exchange(code);
      expect(reused.status).toBe(200);
      expect(await reused.json()).toEqual({ ok: false, error: 'invalid_code' });

      const revoke = await fetch(sandbox.oauth!.revocation_url!, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(await revoke.json()).toEqual({ ok: true, revoked: true });
      expect((await api(sandbox, 'auth.test', {}, token)).body).toEqual({ ok: false, error: 'invalid_auth' });
    });
  });

  it('is deterministic per seed, distinct across seeds, and cheap at a million messages', async () => {
    const again = await createSlackSandbox({ port: 0, records: 1200, seed: 5 });
    const other = await createSlackSandbox({ port: 0, records: 1200, seed: 6 });
    const big = await createSlackSandbox({ port: 0, records: 1_000_000, seed: 5 });
    try {
      const channel = again.info().channels[2]!.id;
      const a = await api(again, 'conversations.history', { channel, limit: 20 });
      const fresh = await createSlackSandbox({ port: 0, records: 1200, seed: 5 });
      const b = await api(fresh, 'conversations.history', { channel, limit: 20 });
      await fresh.close();
      expect(b.body).toEqual(a.body);
      expect(other.info().team.id).not.toBe(again.info().team.id);
      expect(other.info().channels[0]!.id).not.toBe(again.info().channels[0]!.id);

      const started = Date.now();
      expect(big.info().counts.messages).toBe(1_000_000);
      const bigChannel = big.info().channels[0]!;
      const page = await api(big, 'conversations.history', { channel: bigChannel.id, limit: 200 });
      expect(page.body['messages']).toHaveLength(200);
      expect(page.body['has_more']).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await Promise.all([again.close(), other.close(), big.close()]);
    }
  });
});
