import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGoogleCalendarSandbox,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID as CLIENT_ID,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET as CLIENT_SECRET,
  type GoogleCalendarSandboxHandle,
} from './index.js';

type Json = Record<string, unknown>;

async function call(sandbox: GoogleCalendarSandboxHandle, path: string, token: string | null = sandbox.token) {
  const response = await fetch(`${sandbox.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Json };
}

async function control(sandbox: GoogleCalendarSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

const eventsPath = (calendarId: string, query = '') => `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events${query}`;

/** Every page of a listing: the items and the sync token of the last page. */
async function listAll(sandbox: GoogleCalendarSandboxHandle, calendarId: string, query: string): Promise<{ items: Json[]; syncToken: string; pages: number }> {
  const items: Json[] = [];
  let pageToken: string | undefined;
  for (let pages = 1; ; pages++) {
    const res = await call(sandbox, eventsPath(calendarId, `?${query}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`));
    expect(res.status).toBe(200);
    items.push(...(res.body['items'] as Json[]));
    if (typeof res.body['nextPageToken'] === 'string') {
      expect(res.body['nextSyncToken']).toBeUndefined();
      pageToken = res.body['nextPageToken'];
      continue;
    }
    return { items, syncToken: res.body['nextSyncToken'] as string, pages };
  }
}

describe('google calendar sandbox', () => {
  let sandbox: GoogleCalendarSandboxHandle;
  let calendars: string[];
  beforeAll(async () => {
    sandbox = await createGoogleCalendarSandbox({ port: 0, records: 900, seed: 3 });
    calendars = sandbox.info().calendars.map((c) => c.id);
  });
  afterAll(() => sandbox.close());

  it("answers a wrong or missing token with Google's 401 bodies", async () => {
    const wrong = await call(sandbox, '/calendar/v3/users/me/calendarList', 'ya29.wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(wrong.body['error']).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
    });
    const missing = await call(sandbox, '/calendar/v3/users/me/calendarList', null);
    expect(missing.status).toBe(401);
    expect((missing.body['error'] as Json)['errors']).toEqual([expect.objectContaining({ reason: 'required', message: 'Login Required.' })]);
  });

  it('lists the calendar list with the primary calendar first, and pages it', async () => {
    const all = await call(sandbox, '/calendar/v3/users/me/calendarList');
    expect(all.body).toMatchObject({ kind: 'calendar#calendarList' });
    const items = all.body['items'] as Json[];
    expect(items.map((c) => c['id'])).toEqual(calendars);
    expect(items[0]).toMatchObject({ primary: true, accessRole: 'owner', id: sandbox.info().user });
    expect(typeof all.body['nextSyncToken']).toBe('string');
    const first = await call(sandbox, '/calendar/v3/users/me/calendarList?maxResults=2');
    expect((first.body['items'] as Json[]).length).toBe(2);
    const second = await call(sandbox, `/calendar/v3/users/me/calendarList?maxResults=2&pageToken=${first.body['nextPageToken'] as string}`);
    expect((second.body['items'] as Json[]).map((c) => c['id'])).toEqual([calendars[2]]);
  });

  it('pages events with nextPageToken, the sync token only on the last page, every event once', async () => {
    const counts = sandbox.info().calendars;
    for (const calendar of counts) {
      const { items, syncToken, pages } = await listAll(sandbox, calendar.id, 'maxResults=100');
      expect(items).toHaveLength(calendar.events);
      expect(new Set(items.map((e) => e['id'])).size).toBe(calendar.events);
      expect(pages).toBe(Math.ceil(calendar.events / 100));
      expect(syncToken).toMatch(/^[A-Za-z0-9+/=]+$/);
      for (const e of items) expect(e['id']).toMatch(/^[0-9a-v]{22}$/);
    }
    const res = await call(sandbox, eventsPath('primary', '?maxResults=3'));
    expect(res.body).toMatchObject({ kind: 'calendar#events', accessRole: 'owner', timeZone: expect.any(String) });
    expect((res.body['items'] as Json[])[0]).toMatchObject({ kind: 'calendar#event', iCalUID: expect.stringMatching(/@google\.com$/) });
  });

  it('reports changes since a sync token, deletions as cancelled events, and then nothing', async () => {
    const calendar = calendars[1]!;
    const { syncToken } = await listAll(sandbox, calendar, 'showDeleted=true');
    const change = await control(sandbox, 'changes', { stream: 'events', create: 6, update: 9, delete: 6 });
    const mine = (list: unknown) => (list as string[]).filter((name) => name.startsWith(`${calendar}/`)).map((name) => name.split('/')[1]);
    const delta = await listAll(sandbox, calendar, `syncToken=${encodeURIComponent(syncToken)}`);
    const cancelled = delta.items.filter((e) => e['status'] === 'cancelled');
    expect(cancelled.map((e) => e['id']).sort()).toEqual(mine(change['deleted']).sort());
    for (const e of cancelled) expect(Object.keys(e).sort()).toEqual(['etag', 'id', 'kind', 'status']);
    expect(delta.items.filter((e) => e['status'] !== 'cancelled').map((e) => e['id']).sort()).toEqual([...mine(change['created']), ...mine(change['updated'])].sort());
    const again = await listAll(sandbox, calendar, `syncToken=${encodeURIComponent(delta.syncToken)}`);
    expect(again.items).toEqual([]);
    // updatedMin brings deletions since then whatever showDeleted says.
    const since = await listAll(sandbox, calendar, `updatedMin=${encodeURIComponent(change['updated_at'] as string)}`);
    expect(since.items.length).toBe(delta.items.length);
  });

  it('serves single reads, the access_token parameter, calendar renames by sync token, and refuses writes', async () => {
    const list = await call(sandbox, '/calendar/v3/users/me/calendarList');
    const change = await control(sandbox, 'changes', { stream: 'events', delete: 1 });
    const [calendarId, eventId] = (change['deleted'] as string[])[0]!.split('/');
    const cancelled = await call(sandbox, `${eventsPath(calendarId!)}/${eventId!}`);
    expect(cancelled.body).toMatchObject({ id: eventId, status: 'cancelled' });
    expect((await call(sandbox, `${eventsPath(calendarId!)}/nosuchevent00`)).status).toBe(404);
    const viaQuery = await call(sandbox, `/calendar/v3/calendars/primary?access_token=${encodeURIComponent(sandbox.token)}`, null);
    expect(viaQuery.body).toMatchObject({ kind: 'calendar#calendar', id: sandbox.info().user });
    const renamed = await control(sandbox, 'changes', { stream: 'calendars', update: 1 });
    const delta = await call(sandbox, `/calendar/v3/users/me/calendarList?syncToken=${encodeURIComponent(list.body['nextSyncToken'] as string)}`);
    expect((delta.body['items'] as Json[]).map((c) => c['id'])).toEqual(renamed['updated']);
    expect((delta.body['items'] as Json[])[0]).toHaveProperty('summaryOverride');
    expect((await call(sandbox, `/calendar/v3/users/me/calendarList/${encodeURIComponent(calendars[1]!)}`)).body).toMatchObject({ id: calendars[1] });
    const write = await fetch(`${sandbox.url}${eventsPath('primary')}`, { method: 'POST', headers: { authorization: `Bearer ${sandbox.token}` }, body: '{}' });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error: { errors: [{ reason: 'insufficientPermissions' }] } });
  });

  it('answers an expired or foreign sync token with 410 fullSyncRequired, and refuses filters beside it', async () => {
    const { syncToken } = await listAll(sandbox, calendars[0]!, 'maxResults=2500');
    const foreign = await call(sandbox, eventsPath(calendars[2]!, `?syncToken=${encodeURIComponent(syncToken)}`));
    expect(foreign.status).toBe(410);
    const filtered = await call(sandbox, eventsPath(calendars[0]!, `?syncToken=${encodeURIComponent(syncToken)}&updatedMin=2024-01-01T00:00:00Z`));
    expect(filtered.status).toBe(400);
    sandbox.expireSyncTokens();
    const gone = await call(sandbox, eventsPath(calendars[0]!, `?syncToken=${encodeURIComponent(syncToken)}`));
    expect(gone.status).toBe(410);
    expect(gone.body['error']).toMatchObject({
      code: 410,
      message: 'Sync token is no longer valid, a full sync is required.',
      errors: [{ domain: 'global', reason: 'fullSyncRequired', location: 'syncToken', locationType: 'parameter' }],
    });
  });

  it('validates Google parameters the way Google does', async () => {
    expect((await call(sandbox, eventsPath('primary', '?maxResults=0'))).status).toBe(400);
    expect((await call(sandbox, eventsPath('primary', '?orderBy=startTime'))).status).toBe(400);
    const empty = await call(sandbox, eventsPath('primary', '?timeMin=2024-02-01T00:00:00Z&timeMax=2024-01-01T00:00:00Z'));
    expect((empty.body['error'] as Json)['errors']).toEqual([expect.objectContaining({ reason: 'timeRangeEmpty', domain: 'calendar' })]);
    expect((await call(sandbox, eventsPath('primary', '?pageToken=garbage'))).status).toBe(400);
    expect((await call(sandbox, eventsPath('nobody@example.com'))).status).toBe(404);
    expect((await call(sandbox, '/calendar/v3/calendars/%E0%A4%A/events')).status).toBe(404);
  });

  it('renders rate limits and server errors in Google shapes', async () => {
    await control(sandbox, 'faults', { kind: 'rate_limit' });
    const limited = await call(sandbox, '/calendar/v3/users/me/calendarList');
    expect(limited.status).toBe(429);
    expect(limited.body['error']).toMatchObject({ status: 'RESOURCE_EXHAUSTED', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }] });
    await control(sandbox, 'faults', { kind: 'secondary_rate_limit', count: 2 });
    const forbidden = await call(sandbox, '/calendar/v3/users/me/calendarList');
    expect(forbidden.status).toBe(403);
    expect((forbidden.body['error'] as Json)['errors']).toEqual([expect.objectContaining({ reason: 'rateLimitExceeded' })]);
    expect(((await call(sandbox, '/calendar/v3/users/me/calendarList')).body['error'] as Json)['errors']).toEqual([
      expect.objectContaining({ reason: 'userRateLimitExceeded' }),
    ]);
    await control(sandbox, 'faults', { kind: 'server_error' });
    const backend = await call(sandbox, '/calendar/v3/users/me/calendarList');
    expect(backend.status).toBe(500);
    expect((backend.body['error'] as Json)['errors']).toEqual([expect.objectContaining({ reason: 'backendError' })]);
  });

  it("enforces the per-minute quota with Google's 403 when asked to", async () => {
    const strict = await createGoogleCalendarSandbox({ port: 0, records: 10, seed: 1, quotaPerMinute: 2, enforceQuota: true });
    try {
      expect((await call(strict, '/calendar/v3/users/me/calendarList')).status).toBe(200);
      expect((await call(strict, '/calendar/v3/users/me/calendarList')).status).toBe(200);
      const over = await call(strict, '/calendar/v3/users/me/calendarList');
      expect(over.status).toBe(403);
      expect((over.body['error'] as Json)['errors']).toEqual([expect.objectContaining({ domain: 'usageLimits', reason: 'rateLimitExceeded' })]);
    } finally {
      await strict.close();
    }
  });

  it('runs Google OAuth: authorize with PKCE, code exchange with a refresh token, refresh without one, expiry', async () => {
    const verifier = 'a'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(sandbox.oauth.authorization_url);
    for (const [k, v] of Object.entries({
      client_id: CLIENT_ID, redirect_uri: 'http://localhost:9/cb', response_type: 'code', state: 's1', access_type: 'offline', prompt: 'consent',
      scope: 'https://www.googleapis.com/auth/calendar.readonly', code_challenge: challenge, code_challenge_method: 'S256',
    })) authorize.searchParams.set(k, v);
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    const token = async (params: Record<string, string>) => {
      const res = await fetch(sandbox.oauth.token_url, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...params }) });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const issued = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: 'http://localhost:9/cb', code_verifier: verifier });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.stringMatching(/^ya29\./), refresh_token: expect.stringMatching(/^1\/\//) });
    expect((await call(sandbox, '/calendar/v3/users/me/calendarList', issued.body['access_token'] as string)).status).toBe(200);
    sandbox.expireAccessTokens();
    expect((await call(sandbox, '/calendar/v3/users/me/calendarList', issued.body['access_token'] as string)).status).toBe(401);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: issued.body['refresh_token'] as string });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).toBeUndefined();
    expect((await call(sandbox, '/calendar/v3/users/me/calendarList', refreshed.body['access_token'] as string)).status).toBe(200);
    // The printed token keeps working: it is the sandbox's long-lived one.
    expect((await call(sandbox, '/calendar/v3/users/me/calendarList')).status).toBe(200);
  });

  it('is deterministic per seed and differs between seeds', async () => {
    const a = await createGoogleCalendarSandbox({ port: 0, records: 30, seed: 9 });
    const b = await createGoogleCalendarSandbox({ port: 0, records: 30, seed: 9 });
    const c = await createGoogleCalendarSandbox({ port: 0, records: 30, seed: 7919 });
    try {
      const first = (s: GoogleCalendarSandboxHandle) => call(s, eventsPath('primary')).then((r) => r.body['items']);
      expect(await first(a)).toEqual(await first(b));
      expect(await first(a)).not.toEqual(await first(c));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
