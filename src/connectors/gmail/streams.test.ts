import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema, type StreamReader, type StreamState, type SyncMode } from '../kit/index.js';
import { readAll, readerContext, type ReadResult } from '../kit/sandbox/index.js';
import { gmail } from './index.js';
import { manifest } from './manifest.js';
import { readMessagesState } from './messages-stream.js';
import { createGmailSandbox, type GmailSandboxHandle } from './sandbox/index.js';
import { readMessages, readThreads } from './streams.js';

type Json = Record<string, unknown>;

/** Reads a stream, keeping the warnings and retries the engine would log, which some tests assert on. */
async function run(
  reader: StreamReader,
  sandbox: GmailSandboxHandle,
  mode: SyncMode,
  state: StreamState | null,
  options: { stopAfterStates?: number; stream?: string; config?: Json } = {},
): Promise<ReadResult & { warnings: string[] }> {
  const warnings: string[] = [];
  const ctx = readerContext({
    manifest,
    stream: options.stream ?? 'messages',
    mode,
    state,
    baseUrl: sandbox.url,
    token: sandbox.token,
    config: options.config,
    // As the engine does: each retry is logged as a warning with its reason.
    onRetry: (attempt, _delay, reason) => warnings.push(`retry ${attempt}: ${reason}`),
    log: (level, message) => {
      if (level === 'warn') warnings.push(message);
    },
  });
  return { ...(await readAll(reader, ctx, { stopAfterStates: options.stopAfterStates })), warnings };
}

async function control(sandbox: GmailSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

const ids = (records: Json[]) => records.map((r) => r['id'] as string).sort();

describe('gmail connector definition', () => {
  it('has a valid manifest whose streams all have readers, and asks Google for offline access', () => {
    const parsed = ManifestSchema.parse(gmail.manifest);
    expect(parsed.streams.map((s) => s.name).sort()).toEqual(Object.keys(gmail.streams).sort());
    expect(parsed.oauth).toMatchObject({
      authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_url: 'https://oauth2.googleapis.com/token',
      revocation_url: 'https://oauth2.googleapis.com/revoke',
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      pkce: true,
      authorize_params: { access_type: 'offline', prompt: 'consent' },
    });
    expect(parsed.oauth?.scopes).not.toContain('openid');
    expect(parsed.fields.find((f) => f.key === parsed.oauth?.token_field)?.secret).toBe(true);
  });

  it('reads hand-set cursors: a history id as is, a date as a full read of what came after it', () => {
    expect(readMessagesState({ cursor: '123456' })).toEqual({ history_id: '123456' });
    expect(readMessagesState({ cursor: '2999-01-01T00:00:00Z' })).toEqual({ history_id: null, full: { page_token: null, after: Date.parse('2999-01-01T00:00:00Z') / 1000 } });
    expect(readMessagesState({ cursor: 'soon' })).toBeNull();
    expect(readMessagesState({ history_id: '42', full: { page_token: 'p' } })).toEqual({ history_id: '42', full: { page_token: 'p' } });
  });
});

describe('gmail streams against the sandbox', () => {
  let sandbox: GmailSandboxHandle;
  beforeAll(async () => {
    // 1,400 messages: three messages.list pages of 500.
    sandbox = await createGmailSandbox({ port: 0, records: 1400, seed: 21 });
  });
  afterAll(() => sandbox.close());

  it('full read: every message once with its metadata, and the profile historyId as the cursor', async () => {
    const historyId = sandbox.info().history_id;
    const full = await run(readMessages, sandbox, 'full_refresh', null);
    expect(full.records).toHaveLength(sandbox.info().counts.messages);
    expect(new Set(ids(full.records)).size).toBe(full.records.length);
    expect(full.state).toEqual({ history_id: historyId });
    // Two mid-pass checkpoints carry the next messages.list page.
    expect(full.states.slice(0, -1).map((s) => typeof (s['full'] as Json)['page_token'])).toEqual(['string', 'string']);
    const record = full.records[0]!;
    expect(record['payload']).toMatchObject({ headers: expect.any(Array) });
    expect(((record['payload'] as Json)['headers'] as Json[]).map((h) => h['name']).sort()).toEqual(['Date', 'From', 'Subject', 'To']);
    expect(record['subject']).toEqual(expect.any(String));
    expect(record['from']).toMatch(/<.+@.+>/);
    expect(record['received_at']).toBe(new Date(Number(record['internalDate'])).toISOString());
    expect(full.records.every((r) => !(r['labelIds'] as string[]).includes('SPAM') && !(r['labelIds'] as string[]).includes('TRASH'))).toBe(true);
  });

  it('include_spam_trash also reads Spam and Trash', async () => {
    const full = await run(readMessages, sandbox, 'full_refresh', null, { config: { include_spam_trash: true } });
    const info = sandbox.info();
    expect(full.records).toHaveLength(info.counts.messages + info.spam_trash.messages);
  });

  it('resumes an interrupted full read from its page token, missing nothing', async () => {
    const first = await run(readMessages, sandbox, 'incremental', null, { stopAfterStates: 1 });
    expect(first.records).toHaveLength(500);
    const rest = await run(readMessages, sandbox, 'incremental', first.state);
    expect(new Set([...ids(first.records), ...ids(rest.records)]).size).toBe(sandbox.info().counts.messages);
    expect(rest.state).toEqual({ history_id: (first.state as Json)['history_id'] });
  });

  it('incremental: reads nothing without changes, then exactly the created and relabelled messages and the deletions', async () => {
    const full = await run(readMessages, sandbox, 'full_refresh', null);
    const quiet = await run(readMessages, sandbox, 'incremental', full.state);
    expect(quiet.records).toEqual([]);
    expect(quiet.deletes).toEqual([]);
    expect(quiet.state).toEqual(full.state);

    const change = await control(sandbox, 'changes', { stream: 'messages', create: 4, update: 6, delete: 3 });
    const changed = await run(readMessages, sandbox, 'incremental', full.state);
    expect(ids(changed.records)).toEqual([...(change['created'] as string[]), ...(change['updated'] as string[])].sort());
    expect([...changed.deletes].sort()).toEqual([...(change['deleted'] as string[])].sort());
    expect(changed.state).toEqual({ history_id: change['history_id'] });
    const before = new Map(full.records.map((r) => [r['id'], r]));
    for (const record of changed.records.filter((r) => before.has(r['id']))) {
      expect(record['labelIds']).not.toEqual(before.get(record['id'])!['labelIds']);
      expect(Number(record['historyId'])).toBeGreaterThan(Number(full.state!['history_id']));
    }
    const after = await run(readMessages, sandbox, 'incremental', changed.state);
    expect(after.records).toEqual([]);
    expect(after.deletes).toEqual([]);
  });

  it('checkpoints between history pages at the last record handled', async () => {
    const start = sandbox.info().history_id;
    // More than 500 history records: two history.list pages.
    await control(sandbox, 'changes', { stream: 'messages', create: 520 });
    const partial = await run(readMessages, sandbox, 'incremental', { history_id: start }, { stopAfterStates: 1 });
    expect(partial.records).toHaveLength(500);
    const rest = await run(readMessages, sandbox, 'incremental', partial.state);
    expect(rest.records).toHaveLength(20);
    expect(rest.state).toEqual({ history_id: sandbox.info().history_id });
  });

  it('reads everything again when Gmail answers 404 for an expired startHistoryId', async () => {
    const old = sandbox.info().history_id;
    await control(sandbox, 'changes', { stream: 'messages', create: 1, update: 1 });
    sandbox.expireHistory();
    const resync = await run(readMessages, sandbox, 'incremental', { history_id: old });
    expect(resync.warnings.join('\n')).toMatch(/404/);
    expect(resync.records).toHaveLength(sandbox.info().counts.messages);
    expect(resync.state).toEqual({ history_id: sandbox.info().history_id });
    const next = await run(readMessages, sandbox, 'incremental', resync.state);
    expect(next.records).toEqual([]);
  });

  it('a hand-set date cursor reads only what arrived after it; one far in the future reads nothing', async () => {
    const future = await run(readMessages, sandbox, 'incremental', { cursor: '2999-01-01T00:00:00Z' });
    expect(future.records).toEqual([]);
    expect(future.state).toEqual({ history_id: sandbox.info().history_id });
    const change = await control(sandbox, 'changes', { stream: 'messages', create: 2 });
    const created = await fetch(`${sandbox.url}/gmail/v1/users/me/messages/${(change['created'] as string[])[0]}?format=minimal`, { headers: { authorization: `Bearer ${sandbox.token}` } });
    const since = new Date(Number(((await created.json()) as Json)['internalDate']) - 1000).toISOString();
    const recent = await run(readMessages, sandbox, 'incremental', { cursor: since });
    expect(ids(recent.records)).toEqual([...(change['created'] as string[])].sort());
  });

  it("retries Google's quota errors: 429 with Retry-After, and 403 userRateLimitExceeded with backoff", async () => {
    // The first threads.list call gets 429, its retry 403 userRateLimitExceeded: both retried by the HTTP client.
    await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 0 });
    await control(sandbox, 'faults', { kind: 'secondary_rate_limit' });
    const threads = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads' });
    expect(threads.records).toHaveLength(sandbox.info().counts.threads);
    expect(threads.warnings.filter((w) => w.startsWith('retry '))).toEqual(['retry 1: rate_limited (429)', 'retry 2: rate_limited (403)']);
    const pending = await (await fetch(`${sandbox.url}/_sandbox/faults`)).json();
    expect(pending).toEqual({ pending: [] });
  });

  it('threads: every thread once, paged, the pass leaving an empty state', async () => {
    const threads = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads' });
    expect(threads.records).toHaveLength(sandbox.info().counts.threads);
    expect(new Set(ids(threads.records)).size).toBe(threads.records.length);
    expect(threads.states.at(-1)).toEqual({});
    expect(threads.states.length).toBeGreaterThan(1);
  });

  it('threads: a pass stopped after a page resumes from its saved { page_token } without losing or repeating a thread', async () => {
    const all = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads' });
    const first = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads', stopAfterStates: 1 });
    expect(first.state).toEqual({ page_token: expect.any(String) });
    const rest = await run(readThreads, sandbox, 'full_refresh', first.state, { stream: 'threads' });
    expect([...ids(first.records), ...ids(rest.records)].sort()).toEqual(ids(all.records));
    expect(rest.state).toEqual({});
  });

  it('threads: spam and trash are listed only when the config asks for them', async () => {
    const plain = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads', config: { include_spam_trash: false } });
    const all = await run(readThreads, sandbox, 'full_refresh', null, { stream: 'threads', config: { include_spam_trash: 'true' } });
    expect(plain.records).toHaveLength(sandbox.info().counts.threads);
    expect(all.records).toHaveLength(plain.records.length + sandbox.info().spam_trash.threads);
    expect(sandbox.info().spam_trash.threads).toBeGreaterThan(0);
  });

  it('fails a run with bad credentials as a config error carrying Google\'s words, never the token', async () => {
    const bad = { ...sandbox, token: 'ya29.definitely_not_valid_000' };
    const error = await run(readMessages, bad, 'full_refresh', null).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'config', status: 401 });
    expect(String((error as Error).message)).toMatch(/invalid authentication credentials/);
    expect(String((error as Error).message)).not.toContain('definitely_not_valid');
  });
});
