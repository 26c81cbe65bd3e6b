import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CrmMappingListSchema,
  isHttpError,
  type StreamContext,
  type StreamState,
  type SyncMode,
} from '../kit/index.js';
import { readAll, readerContext } from '../kit/sandbox/index.js';
import { slack } from './index.js';
import { manifest } from './manifest.js';
import { createSlackSandbox, type SlackSandboxHandle } from './sandbox/index.js';
import { readChannels, readMessages, readThreads, readUsers } from './streams.js';

type Json = Record<string, unknown>;

interface LogLine {
  level: string;
  message: string;
  data?: Record<string, unknown>;
}

function context(
  sandbox: SlackSandboxHandle,
  stream: string,
  mode: SyncMode,
  state: StreamState | null,
  config: Record<string, unknown> = {},
  token = sandbox.token,
  logs: LogLine[] = [],
): StreamContext {
  return readerContext({
    manifest,
    stream,
    mode,
    state,
    config,
    baseUrl: `${sandbox.url}/api`,
    token,
    log: (level, message, data) => logs.push({ level, message, ...(data ? { data } : {}) }),
  });
}

const keyOf = (m: Json) => `${m['channel_id'] as string}:${m['ts'] as string}`;

interface Changed {
  channel: string;
  ts: string;
  /** Thread changes: the parent's ts. */
  thread_ts?: string;
}

async function changes(sandbox: SlackSandboxHandle, body: Json): Promise<Record<'created' | 'updated' | 'deleted', Changed[]> & { ts: string }> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'messages', ...body }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<'created' | 'updated' | 'deleted', Changed[]> & { ts: string };
}

/** Successful calls of a Web API method since the last call (the stats are reset each time). */
async function callsOf(sandbox: SlackSandboxHandle, method: string): Promise<number> {
  const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as { by_path: Record<string, Record<string, number>> };
  await fetch(`${sandbox.url}/_sandbox/stats`, { method: 'DELETE' });
  return stats.by_path[`/api/${method}`]?.['200'] ?? 0;
}

describe('slack streams against the sandbox', () => {
  let sandbox: SlackSandboxHandle;
  beforeAll(async () => {
    // 6,000 messages over 22 channels: about 270 each, so history takes two pages of 200 per channel.
    sandbox = await createSlackSandbox({ port: 0, records: 6000, seed: 3 });
  });
  afterAll(() => sandbox.close());

  it('the definition wires one reader per manifest stream', () => {
    expect(Object.keys(slack.streams).sort()).toEqual(manifest.streams.map((s) => s.name).sort());
  });

  it('thread replies map to message activities the way messages do, with their thread', () => {
    const mappings = CrmMappingListSchema.parse(slack.crm);
    const message = mappings.find((m) => m.stream === 'messages')!;
    const reply = mappings.find((m) => m.stream === 'threads')!;
    expect(reply.entity).toBe(message.entity);
    expect(reply.fields).toEqual({ ...message.fields, 'custom.thread_ts': 'thread_ts' });
  });

  it('channels and users: full reads over cursor pages equal what the workspace holds', async () => {
    const channels = await readAll(readChannels, context(sandbox, 'channels', 'full_refresh', null));
    expect(channels.records.map((c) => c['id'])).toEqual(sandbox.info().channels.map((c) => c.id));
    expect(channels.state).toEqual({});
    const users = await readAll(readUsers, context(sandbox, 'users', 'full_refresh', null));
    expect(users.records).toHaveLength(sandbox.info().counts.users);
  });

  it('messages: a full read returns every message of every member channel once, keyed by channel and ts', async () => {
    const logs: LogLine[] = [];
    const full = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, {}, sandbox.token, logs));
    expect(full.records).toHaveLength(sandbox.info().counts.messages);
    expect(new Set(full.records.map(keyOf)).size).toBe(full.records.length);
    const outside = sandbox.info().channels.find((c) => !c.is_member)!;
    expect(full.records.some((m) => m['channel_id'] === outside.id)).toBe(false);
    expect(logs.some((l) => l.message.includes('not a member'))).toBe(true);
    // One checkpoint per page: more states than channels, since every channel took two pages.
    const members = sandbox.info().channels.filter((c) => c.is_member);
    expect(full.states.length).toBeGreaterThan(members.length * 2);
    const state = full.state as { channels: Record<string, string>; cursor: string; pass?: unknown };
    expect(state.pass).toBeUndefined();
    expect(Object.keys(state.channels).sort()).toEqual(members.map((c) => c.id).sort());
  });

  it('messages: incremental reads bring new and edited messages (inside the look-back), never deleted ones', async () => {
    const first = await readAll(readMessages, context(sandbox, 'messages', 'incremental', null));
    const quiet = await readAll(readMessages, context(sandbox, 'messages', 'incremental', first.state));
    // Only the look-back window is read again, and all of it is unchanged.
    expect(quiet.records.length).toBeLessThan(first.records.length / 5);

    const made = await changes(sandbox, { create: 5, update: 4, delete: 3 });
    const next = await readAll(readMessages, context(sandbox, 'messages', 'incremental', quiet.state));
    const read = new Map(next.records.map((m) => [keyOf(m), m]));
    for (const c of made.created) expect(read.has(`${c.channel}:${c.ts}`), `created ${c.ts}`).toBe(true);
    for (const u of made.updated) expect(read.get(`${u.channel}:${u.ts}`)?.['edited'], `edited ${u.ts}`).toBeDefined();
    for (const d of made.deleted) expect(read.has(`${d.channel}:${d.ts}`)).toBe(false);

    // With no look-back, only messages newer than each channel's mark come back.
    const onlyNew = await changes(sandbox, { create: 2 });
    const tight = await readAll(readMessages, context(sandbox, 'messages', 'incremental', next.state, { lookback_days: '0' }));
    expect(tight.records.map(keyOf).sort()).toEqual(onlyNew.created.map((c) => `${c.channel}:${c.ts}`).sort());
  });

  it('messages: a run stopped after any checkpoint resumes without losing a message', async () => {
    const expected = sandbox.info().counts.messages;
    const seen = new Set<string>();
    let state: StreamState | null = null;
    for (let runs = 0; runs < 200; runs++) {
      const part = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', state), { stopAfterStates: 7 });
      for (const m of part.records) seen.add(keyOf(m));
      state = part.state;
      if (state && state['pass'] === undefined) break;
    }
    expect(state?.['pass']).toBeUndefined();
    expect(seen.size).toBe(expected);
  });

  it('messages: a cursor set by hand (an ISO date far ahead) reads nothing; a Slack ts reads what is after it', async () => {
    const future = await readAll(readMessages, context(sandbox, 'messages', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(future.records).toEqual([]);
    const made = await changes(sandbox, { create: 3 });
    const before = (Number(made.created[0]!.ts) - 1).toFixed(6);
    const recent = await readAll(readMessages, context(sandbox, 'messages', 'incremental', { cursor: before }, { lookback_days: 0 }));
    expect(recent.records.map(keyOf).sort()).toEqual(made.created.map((c) => `${c.channel}:${c.ts}`).sort());
  });

  it('messages: the channels setting picks channels by name or id; one the bot is not in is skipped with a warning', async () => {
    const [general, second] = sandbox.info().channels;
    const logs: LogLine[] = [];
    const picked = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { channels: `#${general!.name}, ${second!.id}, partners-external` }, sandbox.token, logs));
    expect(new Set(picked.records.map((m) => m['channel_id']))).toEqual(new Set([general!.id, second!.id]));
    expect(picked.records).toHaveLength(general!.messages + second!.messages);
    expect(logs.find((l) => l.message === 'channel skipped')?.data).toMatchObject({ error: 'not_in_channel' });
  });

  it('users: a pass stopped between pages resumes from its saved { next } cursor', async () => {
    const all = await readAll(readUsers, context(sandbox, 'users', 'full_refresh', null));
    const ids = all.records.map((u) => u['id'] as string);
    // The state a stopped pass saved: Slack's cursor of the page starting at the sixth member.
    const next = Buffer.from(`user:${ids[5]!}`, 'utf8').toString('base64');
    const resumed = await readAll(readUsers, context(sandbox, 'users', 'full_refresh', { next }));
    expect(resumed.records.map((u) => u['id'])).toEqual(ids.slice(5));
    expect(resumed.state).toEqual({});
  });

  it('a refused token is a config error carrying Slack\'s code, never the token', async () => {
    const bad = 'xoxb-1000000000001-2000000000003-definitelyWrong000';
    const error = await readAll(readUsers, context(sandbox, 'users', 'full_refresh', null, {}, bad)).catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    if (!isHttpError(error)) return;
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/^invalid_auth: Slack refused users\.list \(the token is not valid for any workspace\)/);
    expect(error.message).not.toContain(bad);
  });

  it('rides out a 429 (Retry-After) and a 500 through the HTTP client\'s retries', async () => {
    for (const fault of [{ kind: 'rate_limit', retry_after: 1 }, { kind: 'server_error', status: 500 }]) {
      const res = await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
      expect(res.status).toBe(201);
    }
    const users = await readAll(readUsers, context(sandbox, 'users', 'full_refresh', null));
    expect(users.records).toHaveLength(sandbox.info().counts.users);
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as Json;
    expect(JSON.stringify(stats)).toContain('429');
  });
});

describe('slack threads stream against the sandbox', () => {
  let sandbox: SlackSandboxHandle;
  /** Every top-level message, by key: where the thread parents are. */
  let messages: Map<string, Json>;
  beforeAll(async () => {
    // 6,000 messages over 22 channels, about 50 threads with 1 to 6 replies each.
    sandbox = await createSlackSandbox({ port: 0, records: 6000, seed: 3 });
    const read = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    messages = new Map(read.records.map((m) => [keyOf(m), m]));
  });
  afterAll(() => sandbox.close());

  const threads = (mode: SyncMode, state: StreamState | null, config: Record<string, unknown> = {}, logs: LogLine[] = [], stopAfterStates = Infinity) =>
    readAll(readThreads, context(sandbox, 'threads', mode, state, config, sandbox.token, logs), { stopAfterStates });

  it('a full read returns exactly the sandbox\'s replies, parents excluded, with one conversations.replies call per thread', async () => {
    await callsOf(sandbox, 'conversations.replies');
    const full = await threads('full_refresh', null);
    const info = sandbox.info();
    expect(full.records).toHaveLength(info.counts.threads);
    expect(new Set(full.records.map(keyOf)).size).toBe(full.records.length);
    for (const channel of info.channels) expect(full.records.filter((r) => r['channel_id'] === channel.id), channel.name).toHaveLength(channel.replies);
    const parents = [...messages.values()].filter((m) => typeof m['reply_count'] === 'number');
    expect(parents.length).toBeGreaterThan(30);
    for (const reply of full.records) {
      expect(reply['thread_ts']).not.toBe(reply['ts']);
      const parent = messages.get(`${reply['channel_id'] as string}:${reply['thread_ts'] as string}`);
      expect(parent?.['reply_count'], `parent of ${keyOf(reply)}`).toBeGreaterThan(0);
      expect(reply['parent_user_id']).toBe(parent!['user']);
    }
    expect(await callsOf(sandbox, 'conversations.replies')).toBe(parents.length);
    const state = full.state as { threads: Record<string, Record<string, string>>; pass?: unknown };
    expect(state.pass).toBeUndefined();
    // Every thread of the last 7 days before its channel's newest message is remembered with its latest reply.
    const remembered = Object.entries(state.threads).flatMap(([channel, read]) => Object.entries(read).map(([ts, latest]) => ({ channel, ts, latest })));
    expect(remembered.length).toBeGreaterThan(0);
    expect(remembered.length).toBeLessThan(parents.length);
    for (const t of remembered) expect(t.latest).toBe(messages.get(`${t.channel}:${t.ts}`)?.['latest_reply']);
  });

  it('incremental: a quiet run reads no thread; replies added to an older thread inside the look-back come back, and only they', async () => {
    const first = await threads('incremental', null);
    expect(first.records).toHaveLength(sandbox.info().counts.threads);
    await callsOf(sandbox, 'conversations.replies');
    const quiet = await threads('incremental', first.state);
    expect(quiet.records).toEqual([]);
    expect(await callsOf(sandbox, 'conversations.replies'), 'no thread moved').toBe(0);

    const made = await changes(sandbox, { stream: 'threads', create: 3 });
    const { channel, thread_ts: parentTs } = made.created[0]!;
    const mark = Number((quiet.state as { channels: Record<string, string> }).channels[channel]);
    expect(Number(parentTs), 'an older thread than the channel\'s newest message').toBeLessThan(mark);
    expect(mark - Number(parentTs), 'inside the 7-day look-back').toBeLessThan(7 * 86_400);

    const next = await threads('incremental', quiet.state);
    expect(await callsOf(sandbox, 'conversations.replies'), 'only the moved thread').toBe(1);
    const before = new Map(first.records.map((r) => [keyOf(r), r]));
    const fresh = next.records.filter((r) => !before.has(keyOf(r)));
    expect(fresh.map(keyOf).sort()).toEqual(made.created.map((c) => `${c.channel}:${c.ts}`).sort());
    // The rest is the thread's look-back window read again, unchanged (the engine writes nothing for it).
    for (const r of next.records.filter((r) => before.has(keyOf(r)))) expect(r).toEqual(before.get(keyOf(r)));
    for (const r of next.records) expect(r['thread_ts']).toBe(parentTs);

    const after = await threads('incremental', next.state);
    expect(after.records).toEqual([]);

    // With no look-back, history is read only past each channel's newest message: an older thread is not
    // listed, so its new replies wait for a wider window (which reads the whole thread) or a full refresh.
    const more = await changes(sandbox, { stream: 'threads', create: 2 });
    const older = more.created[0]!;
    expect(Number(older.thread_ts)).toBeLessThan(Number((after.state as { channels: Record<string, string> }).channels[older.channel]));
    const tight = await threads('incremental', after.state, { lookback_days: 0 });
    expect(tight.records).toEqual([]);
    const wide = await threads('incremental', tight.state);
    expect(wide.records.map(keyOf)).toEqual(expect.arrayContaining(more.created.map((c) => `${c.channel}:${c.ts}`)));
  });

  it('an edited reply comes back updated with its thread\'s next reply; an edit alone waits for a full refresh', async () => {
    const start = (await threads('incremental', null)).state;

    // Slack moves nothing on the parent for an edit: an incremental read cannot tell.
    const alone = await changes(sandbox, { stream: 'threads', update: 1 });
    const edited = alone.updated[0]!;
    const missed = await threads('incremental', start);
    expect(missed.records.map(keyOf)).not.toContain(`${edited.channel}:${edited.ts}`);
    const full = await threads('full_refresh', null);
    expect(full.records.find((r) => keyOf(r) === `${edited.channel}:${edited.ts}`)?.['edited']).toMatchObject({ ts: alone.ts });

    // A batch with a new reply is one conversation: its edit is in the same thread, which moved.
    const together = await changes(sandbox, { stream: 'threads', create: 1, update: 1 });
    const again = together.updated[0]!;
    expect(again.thread_ts).toBe(together.created[0]!.thread_ts);
    const next = await threads('incremental', full.state);
    const read = new Map(next.records.map((r) => [keyOf(r), r]));
    expect(read.get(`${again.channel}:${again.ts}`)?.['edited']).toMatchObject({ ts: together.ts });
    expect(read.has(`${together.created[0]!.channel}:${together.created[0]!.ts}`)).toBe(true);
  });

  it('a run stopped after any checkpoint resumes without losing a reply, inside a thread of several pages too', async () => {
    // 450 new replies in one thread: three pages of 200.
    await changes(sandbox, { stream: 'threads', create: 450 });
    const seen = new Set<string>();
    let state: StreamState | null = null;
    let insideThread = 0;
    for (let runs = 0; runs < 500; runs++) {
      const part = await threads('full_refresh', state, {}, [], 3);
      for (const r of part.records) seen.add(keyOf(r));
      if (part.states.some((s) => typeof (s['pass'] as Json | undefined)?.['replies'] === 'string')) insideThread++;
      state = part.state;
      if (state && state['pass'] === undefined) break;
    }
    expect(state?.['pass']).toBeUndefined();
    expect(insideThread, 'checkpoints inside a thread').toBeGreaterThan(0);
    expect(seen.size).toBe(sandbox.info().counts.threads);
  });

  it('skips a thread whose parent is gone (thread_not_found) and a channel the bot is not in, with a log line', async () => {
    const parent = [...messages.values()].find((m) => typeof m['reply_count'] === 'number')!;
    const channel = parent['channel_id'] as string;
    const logs: LogLine[] = [];
    const resumed = await threads(
      'full_refresh',
      {
        channels: {},
        cursor: null,
        threads: {},
        pass: { full: true, pending: [channel], last: true, queue: [{ ts: '1500000000.000001', latest: '1500000001.000001' }, { ts: parent['ts'], latest: parent['latest_reply'] }] },
      },
      {},
      logs,
    );
    expect(logs.find((l) => l.message.startsWith('thread skipped'))?.data).toMatchObject({ channel, thread_ts: '1500000000.000001' });
    expect(resumed.records.length).toBeGreaterThanOrEqual(parent['reply_count'] as number);
    expect(resumed.records.every((r) => r['thread_ts'] === parent['ts'])).toBe(true);
    expect(resumed.state?.['pass']).toBeUndefined();

    const outside = sandbox.info().channels.find((c) => !c.is_member)!;
    const picked = await threads('full_refresh', null, { channels: `${channel}, ${outside.name}` }, logs);
    expect(new Set(picked.records.map((r) => r['channel_id']))).toEqual(new Set([channel]));
    expect(logs.find((l) => l.message === 'channel skipped')?.data).toMatchObject({ channel: outside.id, error: 'not_in_channel' });
  });

  it('a cursor set by hand far ahead reads no thread', async () => {
    await callsOf(sandbox, 'conversations.replies');
    const future = await threads('incremental', { cursor: '2999-01-01T00:00:00Z' });
    expect(future.records).toEqual([]);
    expect(await callsOf(sandbox, 'conversations.replies')).toBe(0);
  });
});
