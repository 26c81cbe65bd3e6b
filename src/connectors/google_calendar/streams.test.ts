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
import { googleCalendar } from './index.js';
import { manifest } from './manifest.js';
import { createGoogleCalendarSandbox, type GoogleCalendarSandboxHandle } from './sandbox/index.js';
import { readCalendars, readEvents } from './streams.js';

type Json = Record<string, unknown>;

function context(sandbox: GoogleCalendarSandboxHandle, stream: string, mode: SyncMode, state: StreamState | null, config: Json = {}): StreamContext {
  return readerContext({ manifest, stream, mode, state, baseUrl: sandbox.url, token: sandbox.token, config });
}

const keys = (records: Json[]) => records.map((r) => `${r['calendar_id'] as string}:${r['id'] as string}`).sort();
/** The sandbox's change result names events `calendarId/eventId`; the stream keys them `calendarId:eventId`. */
const asKeys = (names: unknown) => (names as string[]).map((name) => name.replace('/', ':')).sort();

async function control(sandbox: GoogleCalendarSandboxHandle, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${body['kind'] ? 'faults' : 'changes'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

describe('google_calendar connector definition', () => {
  it('has a valid manifest whose streams all have readers, OAuth as Google documents it', () => {
    const parsed = ManifestSchema.parse(googleCalendar.manifest);
    expect(parsed.streams.map((s) => s.name).sort()).toEqual(Object.keys(googleCalendar.streams).sort());
    expect(parsed.fields.find((f) => f.key === 'token')?.secret).toBe(true);
    expect(parsed.oauth).toMatchObject({
      authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_url: 'https://oauth2.googleapis.com/token',
      revocation_url: 'https://oauth2.googleapis.com/revoke',
      scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
      pkce: true,
      authorize_params: { access_type: 'offline', prompt: 'consent' },
    });
    expect(parsed.oauth?.scopes).not.toContain('openid');
    expect(parsed.rate_limit!.requests_per_second).toBeLessThan(10);
  });
});

describe('google_calendar streams against the sandbox', () => {
  let sandbox: GoogleCalendarSandboxHandle;
  let live: () => number;
  beforeAll(async () => {
    // 4,500 events over three calendars: two pages of events each.
    sandbox = await createGoogleCalendarSandbox({ port: 0, records: 4500, seed: 5 });
    live = () => sandbox.info().counts.events;
  });
  afterAll(() => sandbox.close());

  it('reads every calendar and every event once, and keeps one sync token per calendar', async () => {
    const calendars = await readAll(readCalendars, context(sandbox, 'calendars', 'full_refresh', null));
    expect(calendars.records.map((c) => c['id'])).toEqual(sandbox.info().calendars.map((c) => c.id));
    expect(calendars.state).toEqual({});

    const events = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    expect(events.records).toHaveLength(live());
    expect(new Set(keys(events.records)).size).toBe(live());
    expect(events.deletes).toEqual([]);
    expect(events.state).not.toHaveProperty('pass');
    expect(Object.keys(events.state!['calendars'] as Json).sort()).toEqual(sandbox.info().calendars.map((c) => c.id).sort());
  });

  it('reads exactly the changed events incrementally, deletions as calendar:event ids, then nothing', async () => {
    const first = await readAll(readEvents, context(sandbox, 'events', 'incremental', null));
    const quiet = await readAll(readEvents, context(sandbox, 'events', 'incremental', first.state));
    expect(quiet.records).toEqual([]);
    expect(quiet.deletes).toEqual([]);

    const change = await control(sandbox, { stream: 'events', create: 5, update: 7, delete: 4 });
    const delta = await readAll(readEvents, context(sandbox, 'events', 'incremental', quiet.state));
    expect(keys(delta.records)).toEqual(asKeys([...(change['created'] as string[]), ...(change['updated'] as string[])]));
    expect([...delta.deletes].sort()).toEqual(asKeys(change['deleted']));
    expect(delta.state!['cursor']).toBe(change['updated_at']);

    const after = await readAll(readEvents, context(sandbox, 'events', 'incremental', delta.state));
    expect(after.records).toEqual([]);
    expect(after.deletes).toEqual([]);
  });

  it('answers 410 Gone by listing each calendar again in full, with its deletions, and carries on', async () => {
    const before = await readAll(readEvents, context(sandbox, 'events', 'incremental', null));
    const change = await control(sandbox, { stream: 'events', update: 2, delete: 3 });
    sandbox.expireSyncTokens();
    const relisted = await readAll(readEvents, context(sandbox, 'events', 'incremental', before.state));
    expect(relisted.records).toHaveLength(live());
    // Deleted events Google still remembers come back as cancelled ones, so this delete still arrives.
    expect(relisted.deletes).toEqual(expect.arrayContaining(asKeys(change['deleted'])));
    const tokens = Object.values(relisted.state!['calendars'] as Record<string, Json>).map((c) => c['sync_token']);
    expect(tokens).not.toEqual(Object.values(before.state!['calendars'] as Record<string, Json>).map((c) => c['sync_token']));
    const next = await readAll(readEvents, context(sandbox, 'events', 'incremental', relisted.state));
    expect(next.records).toEqual([]);
  });

  it('resumes an interrupted pass from its page token, re-reading at most one page', async () => {
    const first = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null), { stopAfterStates: 1 });
    const pass = first.state!['pass'] as Json;
    expect(typeof pass['page_token']).toBe('string');
    const resumed = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', first.state));
    const firstKeys = new Set(keys(first.records));
    expect(keys(resumed.records).filter((k) => firstKeys.has(k)).length).toBeLessThanOrEqual(1000);
    expect(new Set([...firstKeys, ...keys(resumed.records)]).size).toBe(live());
  });

  it('misses nothing when events change while a pass is interrupted', async () => {
    const start = await readAll(readEvents, context(sandbox, 'events', 'incremental', null), { stopAfterStates: 2 });
    const change = await control(sandbox, { stream: 'events', create: 4, update: 30, delete: 10 });
    const rest = await readAll(readEvents, context(sandbox, 'events', 'incremental', start.state));
    // What changed behind the reader (on the pages already read) comes with the next incremental read, whose
    // sync token dates from before the change.
    const next = await readAll(readEvents, context(sandbox, 'events', 'incremental', rest.state));
    const changed = new Set([...keys(rest.records), ...keys(next.records)]);
    for (const key of asKeys([...(change['created'] as string[]), ...(change['updated'] as string[])])) expect(changed.has(key)).toBe(true);
    const deleted = new Set([...rest.deletes, ...next.deletes]);
    for (const key of asKeys(change['deleted'])) expect(deleted.has(key)).toBe(true);
    expect((await readAll(readEvents, context(sandbox, 'events', 'incremental', next.state))).records).toEqual([]);
  });

  it('reads nothing after a hand-set cursor in the future, and then keeps per-calendar tokens', async () => {
    const future = await readAll(readEvents, context(sandbox, 'events', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(future.records).toEqual([]);
    expect(Object.keys(future.state!['calendars'] as Json)).toHaveLength(3);
    const change = await control(sandbox, { stream: 'events', update: 2 });
    const since = await readAll(readEvents, context(sandbox, 'events', 'incremental', { cursor: change['updated_at'] as string }));
    expect(keys(since.records)).toEqual(asKeys(change['updated']));
  });

  it('reads only the configured calendars ("primary" names the user\'s own)', async () => {
    const config = { calendars: ' primary ' };
    const calendars = await readAll(readCalendars, context(sandbox, 'calendars', 'full_refresh', null, config));
    expect(calendars.records.map((c) => c['id'])).toEqual([sandbox.info().user]);
    const events = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null, config));
    expect(new Set(events.records.map((e) => e['calendar_id']))).toEqual(new Set([sandbox.info().user]));
    expect(events.records).toHaveLength(sandbox.info().calendars[0]!.events);
  });

  it('the calendars setting may list ids as an array or as text separated by commas or spaces', async () => {
    const [, second, third] = sandbox.info().calendars;
    for (const calendars of [[second!.id, third!.id], `${second!.id}, ${third!.id}`, `${third!.id} ${second!.id}`]) {
      const read = await readAll(readCalendars, context(sandbox, 'calendars', 'full_refresh', null, { calendars }));
      expect(read.records.map((c) => c['id']).sort()).toEqual([second!.id, third!.id].sort());
    }
  });

  it("rides through Google's 403 and 429 rate limits, server errors and truncated bodies", async () => {
    // The shared HTTP client retries all of them, 403 `rateLimitExceeded` included (it carries no Retry-After).
    await control(sandbox, { kind: 'secondary_rate_limit', count: 2, after: 1 });
    await control(sandbox, { kind: 'rate_limit', after: 1 });
    await control(sandbox, { kind: 'server_error', count: 2 });
    await control(sandbox, { kind: 'truncate', after: 1 });
    const events = await readAll(readEvents, context(sandbox, 'events', 'full_refresh', null));
    expect(new Set(keys(events.records)).size).toBe(live());
    const faults = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as Json;
    expect(faults['pending']).toEqual([]);
  });

  it('fails with a config error on a wrong token, and on a 403 that is not a rate limit', async () => {
    const ctx = context(sandbox, 'events', 'full_refresh', null);
    ctx.http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: 'Bearer ya29.wrong' }, retry: { baseDelayMs: 1 } });
    const error = await readAll(readEvents, ctx).catch((e: unknown) => e);
    expect(isHttpError(error) && error.kind === 'config' && error.status === 401).toBe(true);

    await control(sandbox, { kind: 'secondary_rate_limit', count: 2 });
    const twice = context(sandbox, 'calendars', 'full_refresh', null);
    twice.http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: `Bearer ${sandbox.token}` }, retry: { baseDelayMs: 1, maxAttempts: 2 } });
    const limited = await readAll(readCalendars, twice).catch((e: unknown) => e);
    // Still limited after every attempt: transient, so the next run tries again.
    expect(isHttpError(limited) && limited.kind === 'transient' && limited.code === 'rate_limited' && limited.status === 403).toBe(true);
  });
});
