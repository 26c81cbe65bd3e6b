import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpClient,
  isHttpError,
  ManifestSchema,
  type StreamContext,
  type StreamState,
  type SyncMode,
} from '../kit/index.js';
import { readAll, readerContext } from '../kit/sandbox/index.js';
import { microsoft } from './index.js';
import { manifest } from './manifest.js';
import { createMicrosoftSandbox, type MicrosoftSandboxHandle } from './sandbox/index.js';
import { calendarWindow, windowMoved } from './stream-support.js';
import { readEvents, readMessages } from './streams.js';

type Json = Record<string, unknown>;

/**
 * Graph is reached through the sandbox's connection config, whose fixed calendar window and folders the counts
 * asserted below depend on; log lines keep their level, since a test counts the warnings.
 */
function context(sandbox: MicrosoftSandboxHandle, stream: string, mode: SyncMode, state: StreamState | null, config: Json = {}, logs: string[] = []): StreamContext {
  const { base_url: baseUrl, calendar_start, calendar_end, mail_folders } = sandbox.connectConfig;
  return readerContext({
    manifest,
    stream,
    mode,
    state,
    baseUrl: baseUrl as string,
    token: sandbox.token,
    config: { tenant: 'common', calendar_start, calendar_end, mail_folders, ...config },
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
}

const ids = (records: Json[]) => records.map((r) => r['id'] as string).sort();
const sorted = (values: string[]) => [...values].sort();

async function change(sandbox: MicrosoftSandboxHandle, body: Json): Promise<{ created: string[]; updated: string[]; deleted: string[] }> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as { created: string[]; updated: string[]; deleted: string[] };
}

describe('microsoft connector definition', () => {
  it('has a valid manifest whose streams all have readers, and OAuth as the identity platform documents it', () => {
    const parsed = ManifestSchema.parse(microsoft.manifest);
    expect(parsed.streams.map((s) => s.name).sort()).toEqual(Object.keys(microsoft.streams).sort());
    expect(parsed.oauth).toMatchObject({
      authorization_url: 'https://login.microsoftonline.com/{{config.tenant}}/oauth2/v2.0/authorize',
      token_url: 'https://login.microsoftonline.com/{{config.tenant}}/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read', 'Calendars.Read', 'Mail.Read'],
      pkce: true,
      token_field: 'token',
    });
    expect(parsed.oauth?.revocation_url).toBeUndefined();
    expect(parsed.fields.find((f) => f.key === 'token')?.secret).toBe(true);
    expect(parsed.config_fields.find((f) => f.key === 'tenant')).toMatchObject({ required: true, placeholder: 'common' });
    expect(new RegExp(parsed.config_fields.find((f) => f.key === 'mail_folders')!.pattern!).test('inbox, sentitems, AAMkAD-_=')).toBe(true);
  });

  it('computes a rolling calendar window and moves it weekly, a configured one when it changes', () => {
    const now = Date.UTC(2025, 5, 15, 13, 0);
    const rolling = calendarWindow({}, now);
    expect(rolling).toEqual({ window: { start: '2024-06-15T00:00:00Z', end: '2026-06-15T00:00:00Z' }, explicit: false });
    expect(windowMoved(rolling.window, calendarWindow({}, now + 6 * 86_400_000).window, false)).toBe(false);
    expect(windowMoved(rolling.window, calendarWindow({}, now + 7 * 86_400_000).window, false)).toBe(true);
    const fixed = calendarWindow({ calendar_start: '2025-01-01', calendar_end: '2025-12-31' }, now);
    expect(fixed.explicit).toBe(true);
    expect(windowMoved(fixed.window, calendarWindow({ calendar_start: '2025-01-02', calendar_end: '2025-12-31' }).window, true)).toBe(true);
    expect(() => calendarWindow({ calendar_start: '2025-02-01', calendar_end: '2025-01-01' })).toThrow(/not before/);
  });
});

describe('microsoft streams against the sandbox', () => {
  let sandbox: MicrosoftSandboxHandle;
  beforeAll(async () => {
    sandbox = await createMicrosoftSandbox({ port: 0, records: 450, seed: 5 });
  });
  afterAll(() => sandbox.close());

  it('reads every event and every message of the configured folders once, without OData annotations', async () => {
    const events = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    expect(events.records).toHaveLength(sandbox.info().counts.events);
    expect(new Set(ids(events.records)).size).toBe(events.records.length);
    expect(Object.keys(events.records[0]!).some((key) => key.startsWith('@'))).toBe(false);
    expect(events.state).toMatchObject({ window: { start: `${sandbox.connectConfig['calendar_start'] as string}T00:00:00Z` } });
    expect(events.state?.['deltaLink']).toMatch(/\$deltatoken=/);
    // 450 events at 100 a page: four checkpoints with a next link, the last with the delta link.
    expect(events.states.map((s) => Object.keys(s).sort().join())).toEqual([...Array(4).fill('nextLink,window'), 'deltaLink,window']);

    const messages = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    expect(messages.records).toHaveLength(sandbox.info().counts.messages);
    expect(Object.keys(messages.state?.['folders'] as Json)).toEqual(['inbox', 'sentitems']);
    const inboxOnly = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { mail_folders: '' }));
    expect(inboxOnly.records).toHaveLength(sandbox.info().folders.inbox.messages);
  });

  it('reads exactly the changes incrementally, deletions as deletes, then nothing', async () => {
    const events0 = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    const messages0 = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    const quiet = await readAll(readEvents, context(sandbox, 'events', 'incremental', events0.state));
    expect([quiet.records, quiet.deletes]).toEqual([[], []]);

    const eventChange = await change(sandbox, { stream: 'events', create: 3, update: 5, delete: 2 });
    const messageChange = await change(sandbox, { stream: 'messages', create: 4, update: 4, delete: 3 });
    const events1 = await readAll(readEvents, context(sandbox, 'events', 'incremental', events0.state));
    expect(ids(events1.records)).toEqual(sorted([...eventChange.created, ...eventChange.updated]));
    expect(sorted(events1.deletes)).toEqual(sorted(eventChange.deleted));
    const messages1 = await readAll(readMessages, context(sandbox, 'messages', 'incremental', messages0.state));
    expect(ids(messages1.records)).toEqual(sorted([...messageChange.created, ...messageChange.updated]));
    expect(sorted(messages1.deletes)).toEqual(sorted(messageChange.deleted));

    const events2 = await readAll(readEvents, context(sandbox, 'events', 'incremental', events1.state));
    const messages2 = await readAll(readMessages, context(sandbox, 'messages', 'incremental', messages1.state));
    expect([events2.records, events2.deletes, messages2.records, messages2.deletes]).toEqual([[], [], [], []]);
  });

  it('resumes an interrupted round from its saved next link, re-reading nothing', async () => {
    const full = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    const first = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null), { stopAfterStates: 2 });
    expect(first.state?.['nextLink']).toMatch(/\$skiptoken=/);
    const rest = await readAll(readEvents, context(sandbox, 'events', 'incremental', first.state));
    expect(sorted([...ids(first.records), ...ids(rest.records)])).toEqual(ids(full.records));

    const messages = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    const partial = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null), { stopAfterStates: 3 });
    const folders = partial.state?.['folders'] as Json;
    expect(Object.keys(folders)).toEqual(['inbox']);
    const remaining = await readAll(readMessages, context(sandbox, 'messages', 'incremental', partial.state));
    expect(sorted([...ids(partial.records), ...ids(remaining.records)])).toEqual(ids(messages.records));
  });

  it('resumes from the hand-written reader\'s state: { nextLink } mid-round, { deltaLink } between rounds', async () => {
    const full = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    const links = full.state?.['folders'] as Record<string, Json>;
    // Between rounds the described format is the old one: { folders: { <folder>: { deltaLink } } }.
    expect(full.state).toEqual({ folders: { inbox: { deltaLink: expect.stringMatching(/\$deltatoken=/) }, sentitems: { deltaLink: expect.stringMatching(/\$deltatoken=/) } } });
    const between = await readAll(readMessages, context(sandbox, 'messages', 'incremental', { folders: { inbox: { deltaLink: links['inbox']!['deltaLink'] }, sentitems: { deltaLink: links['sentitems']!['deltaLink'] } } }));
    expect([between.records, between.deletes]).toEqual([[], []]);

    // Mid-round, the old reader saved the next link itself: the inbox goes on from it, the sent items from their delta link.
    const inbox = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { mail_folders: 'inbox' }));
    const cut = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { mail_folders: 'inbox' }), { stopAfterStates: 1 });
    const nextLink = ((cut.state?.['folders'] as Record<string, Json>)['inbox']!['pass'] as Json)['nextLink'] as string;
    expect(nextLink).toMatch(/\$skiptoken=/);
    const old = { folders: { inbox: { nextLink }, sentitems: { deltaLink: links['sentitems']!['deltaLink'] } } };
    const rest = await readAll(readMessages, context(sandbox, 'messages', 'incremental', old));
    expect(ids(rest.records)).toEqual(sorted(ids(inbox.records).filter((id) => !ids(cut.records).includes(id))));
    expect(cut.records.length).toBeGreaterThan(0);
    expect(rest.deletes).toEqual([]);
    expect(rest.state).toEqual({ folders: { inbox: { deltaLink: expect.stringMatching(/\$deltatoken=/) }, sentitems: { deltaLink: expect.stringMatching(/\$deltatoken=/) } } });
  });

  it('starts a fresh round when Graph no longer knows the delta token (410 syncStateNotFound)', async () => {
    const events0 = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    const messages0 = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null));
    sandbox.expireDeltaTokens();
    const logs: string[] = [];
    const events1 = await readAll(readEvents, context(sandbox, 'events', 'incremental', events0.state, {}, logs));
    expect(events1.records).toHaveLength(sandbox.info().counts.events);
    expect(events1.state?.['deltaLink']).not.toBe(events0.state?.['deltaLink']);
    const messages1 = await readAll(readMessages, context(sandbox, 'messages', 'incremental', messages0.state, {}, logs));
    expect(messages1.records).toHaveLength(sandbox.info().counts.messages);
    expect(logs.filter((l) => l.startsWith('warn: ')).length).toBe(3);
    // The new links work.
    expect((await readAll(readEvents, context(sandbox, 'events', 'incremental', events1.state))).records).toEqual([]);
  });

  it('finishes the saved round before reading a moved calendar window, so no deletion is lost', async () => {
    const events0 = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    const deleted = (await change(sandbox, { stream: 'events', delete: 2 })).deleted;
    // The sandbox's events start within 180 days of the middle of its window: start the window at that middle.
    const middle = Date.parse(`${sandbox.connectConfig['calendar_start'] as string}T00:00:00Z`) + 365 * 86_400_000;
    const moved = { calendar_start: new Date(middle).toISOString().slice(0, 10) };
    const logs: string[] = [];
    const events1 = await readAll(readEvents, context(sandbox, 'events', 'incremental', events0.state, moved, logs));
    expect(sorted(events1.deletes)).toEqual(sorted(deleted));
    expect(logs.some((l) => l.includes('calendar window moved'))).toBe(true);
    expect(events1.state?.['window']).toMatchObject({ start: `${moved.calendar_start}T00:00:00Z` });
    expect(events1.records.length).toBeGreaterThan(0);
    expect(events1.records.length).toBeLessThan(sandbox.info().counts.events);
  });

  it('honours a hand-set cursor: a date keeps what changed since, a delta link resumes from it', async () => {
    const future = await readAll(readEvents, context(sandbox, 'events', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(future.records).toEqual([]);
    expect(future.state?.['deltaLink']).toMatch(/\$deltatoken=/);
    const made = await change(sandbox, { stream: 'messages', update: 2 });
    const since = await readAll(readMessages, context(sandbox, 'messages', 'incremental', { cursor: sandbox.info().clock }));
    expect(ids(since.records)).toEqual(sorted(made.updated));
    const fromLink = await readAll(readEvents, context(sandbox, 'events', 'incremental', { cursor: future.state?.['deltaLink'] as string }));
    expect(fromLink.records).toEqual([]);
    await expect(readAll(readEvents, context(sandbox, 'events', 'incremental', { cursor: 'yesterday' }))).rejects.toThrow(/neither a date nor a delta link/);
  });

  it('rides through throttling, server errors and truncated bodies', async () => {
    const expected = sandbox.info().counts.events;
    const fault = (body: Json) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await fault({ kind: 'rate_limit', retry_after: 0, after: 1 });
    await fault({ kind: 'secondary_rate_limit', retry_after: 0 });
    await fault({ kind: 'server_error', count: 2, after: 1 });
    await fault({ kind: 'truncate', after: 1 });
    const events = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    expect(new Set(ids(events.records)).size).toBe(expected);
    const pending = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as Json;
    expect(pending['pending']).toEqual([]);
  });

  it('fails with a config error on a refused token, and on a folder Graph does not know', async () => {
    const ctx = context(sandbox, 'events', 'full_refresh', null);
    ctx.http = createHttpClient({ baseUrl: sandbox.connectConfig['base_url'] as string, headers: { Authorization: 'Bearer nope' }, retry: { baseDelayMs: 1 } });
    const error = await readAll(readEvents, ctx).catch((e: unknown) => e);
    expect(isHttpError(error) && error.kind === 'config' && error.status === 401 && /InvalidAuthenticationToken/.test(error.message)).toBe(true);
    const missing = await readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { mail_folders: 'drafts' })).catch((e: unknown) => e);
    expect(isHttpError(missing) && missing.kind === 'config' && /ErrorItemNotFound/.test(missing.message)).toBe(true);
    await expect(readAll(readMessages, context(sandbox, 'messages', 'full_refresh', null, { mail_folders: 'in box' }))).rejects.toThrow(/not a folder name/);
  });
});
