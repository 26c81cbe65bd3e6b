import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamContext, StreamReader, StreamState } from '../../contracts/connector-kit.js';
import { ManifestSchema, StreamManifestSchema, type SyncMode } from '../../contracts/manifest.js';
import { createHttpClient, isHttpError } from '../../http-client/index.js';
import { slack } from './index.js';
import { manifest } from './manifest.js';
import { createSlackSandbox, type SlackSandboxHandle } from './sandbox/index.js';
import { readChannels, readMessages, readUsers } from './streams.js';

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
  const parsed = ManifestSchema.parse(manifest);
  return {
    stream: StreamManifestSchema.parse(parsed.streams.find((s) => s.name === stream)),
    mode,
    state,
    config,
    http: createHttpClient({
      baseUrl: `${sandbox.url}/api`,
      headers: { Authorization: `Bearer ${token}` },
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      secrets: [token],
    }),
    signal: new AbortController().signal,
    log: (level, message, data) => logs.push({ level, message, ...(data ? { data } : {}) }),
  };
}

interface Run {
  records: Json[];
  states: StreamState[];
  state: StreamState | null;
}

/** Reads a stream, optionally stopping right after the n-th checkpoint (as if the process died there). */
async function run(reader: StreamReader, ctx: StreamContext, stopAfterStates = Infinity): Promise<Run> {
  const out: Run = { records: [], states: [], state: null };
  for await (const message of reader(ctx)) {
    if (message.type === 'records') out.records.push(...message.records);
    if (message.type === 'state') {
      out.states.push(message.state);
      out.state = message.state;
      if (out.states.length >= stopAfterStates) break;
    }
  }
  return out;
}

const keyOf = (m: Json) => `${m['channel_id'] as string}:${m['ts'] as string}`;

async function changes(sandbox: SlackSandboxHandle, body: Json): Promise<Record<'created' | 'updated' | 'deleted', { channel: string; ts: string }[]>> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'messages', ...body }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<'created' | 'updated' | 'deleted', { channel: string; ts: string }[]>;
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

  it('channels and users: full reads over cursor pages equal what the workspace holds', async () => {
    const channels = await run(readChannels, context(sandbox, 'channels', 'full_refresh', null));
    expect(channels.records.map((c) => c['id'])).toEqual(sandbox.info().channels.map((c) => c.id));
    expect(channels.state).toEqual({});
    const users = await run(readUsers, context(sandbox, 'users', 'full_refresh', null));
    expect(users.records).toHaveLength(sandbox.info().counts.users);
  });

  it('messages: a full read returns every message of every member channel once, keyed by channel and ts', async () => {
    const logs: LogLine[] = [];
    const full = await run(readMessages, context(sandbox, 'messages', 'full_refresh', null, {}, sandbox.token, logs));
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
    const first = await run(readMessages, context(sandbox, 'messages', 'incremental', null));
    const quiet = await run(readMessages, context(sandbox, 'messages', 'incremental', first.state));
    // Only the look-back window is read again, and all of it is unchanged.
    expect(quiet.records.length).toBeLessThan(first.records.length / 5);

    const made = await changes(sandbox, { create: 5, update: 4, delete: 3 });
    const next = await run(readMessages, context(sandbox, 'messages', 'incremental', quiet.state));
    const read = new Map(next.records.map((m) => [keyOf(m), m]));
    for (const c of made.created) expect(read.has(`${c.channel}:${c.ts}`), `created ${c.ts}`).toBe(true);
    for (const u of made.updated) expect(read.get(`${u.channel}:${u.ts}`)?.['edited'], `edited ${u.ts}`).toBeDefined();
    for (const d of made.deleted) expect(read.has(`${d.channel}:${d.ts}`)).toBe(false);

    // With no look-back, only messages newer than each channel's mark come back.
    const onlyNew = await changes(sandbox, { create: 2 });
    const tight = await run(readMessages, context(sandbox, 'messages', 'incremental', next.state, { lookback_days: '0' }));
    expect(tight.records.map(keyOf).sort()).toEqual(onlyNew.created.map((c) => `${c.channel}:${c.ts}`).sort());
  });

  it('messages: a run stopped after any checkpoint resumes without losing a message', async () => {
    const expected = sandbox.info().counts.messages;
    const seen = new Set<string>();
    let state: StreamState | null = null;
    for (let runs = 0; runs < 200; runs++) {
      const part = await run(readMessages, context(sandbox, 'messages', 'full_refresh', state), 7);
      for (const m of part.records) seen.add(keyOf(m));
      state = part.state;
      if (state && state['pass'] === undefined) break;
    }
    expect(state?.['pass']).toBeUndefined();
    expect(seen.size).toBe(expected);
  });

  it('messages: a cursor set by hand (an ISO date far ahead) reads nothing; a Slack ts reads what is after it', async () => {
    const future = await run(readMessages, context(sandbox, 'messages', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(future.records).toEqual([]);
    const made = await changes(sandbox, { create: 3 });
    const before = (Number(made.created[0]!.ts) - 1).toFixed(6);
    const recent = await run(readMessages, context(sandbox, 'messages', 'incremental', { cursor: before }, { lookback_days: 0 }));
    expect(recent.records.map(keyOf).sort()).toEqual(made.created.map((c) => `${c.channel}:${c.ts}`).sort());
  });

  it('messages: the channels setting picks channels by name or id; one the bot is not in is skipped with a warning', async () => {
    const [general, second] = sandbox.info().channels;
    const logs: LogLine[] = [];
    const picked = await run(readMessages, context(sandbox, 'messages', 'full_refresh', null, { channels: `#${general!.name}, ${second!.id}, partners-external` }, sandbox.token, logs));
    expect(new Set(picked.records.map((m) => m['channel_id']))).toEqual(new Set([general!.id, second!.id]));
    expect(picked.records).toHaveLength(general!.messages + second!.messages);
    expect(logs.find((l) => l.message === 'channel skipped')?.data).toMatchObject({ error: 'not_in_channel' });
  });

  it('a refused token is a config error carrying Slack\'s code, never the token', async () => {
    const bad = 'xoxb-1000000000001-2000000000003-definitelyWrong000';
    const error = await run(readUsers, context(sandbox, 'users', 'full_refresh', null, {}, bad)).catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    if (!isHttpError(error)) return;
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/^invalid_auth: Slack refused users\.list/);
    expect(error.message).not.toContain(bad);
  });

  it('rides out a 429 (Retry-After) and a 500 through the HTTP client\'s retries', async () => {
    for (const fault of [{ kind: 'rate_limit', retry_after: 1 }, { kind: 'server_error', status: 500 }]) {
      const res = await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
      expect(res.status).toBe(201);
    }
    const users = await run(readUsers, context(sandbox, 'users', 'full_refresh', null));
    expect(users.records).toHaveLength(sandbox.info().counts.users);
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as Json;
    expect(JSON.stringify(stats)).toContain('429');
  });
});
