import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMicrosoftSandbox,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET,
  DEFAULT_MICROSOFT_SANDBOX_TOKEN,
  type MicrosoftSandboxHandle,
} from './index.js';

type Json = Record<string, unknown>;

async function call(sandbox: MicrosoftSandboxHandle, path: string, init: { token?: string | null; prefer?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? sandbox.token : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (init.prefer) headers['prefer'] = init.prefer;
  const response = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Json };
}

async function control(sandbox: MicrosoftSandboxHandle, path: string, body?: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as Json;
}

/** Follows a round to its delta link: every item, removal and page size seen. */
async function round(sandbox: MicrosoftSandboxHandle, first: string, prefer = 'odata.maxpagesize=25') {
  const items: Json[] = [];
  const pageSizes: number[] = [];
  let url: string | undefined = first;
  for (;;) {
    const res = await call(sandbox, url, { prefer });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const value = res.body['value'] as Json[];
    items.push(...value);
    pageSizes.push(value.length);
    const next = res.body['@odata.nextLink'] as string | undefined;
    if (next) {
      expect(res.body['@odata.deltaLink']).toBeUndefined();
      url = next;
      continue;
    }
    return { items, pageSizes, deltaLink: res.body['@odata.deltaLink'] as string };
  }
}

const ids = (items: Json[]) => items.map((i) => i['id'] as string).sort();

describe('microsoft sandbox', () => {
  let sandbox: MicrosoftSandboxHandle;
  let window: { start: string; end: string };
  beforeAll(async () => {
    sandbox = await createMicrosoftSandbox({ port: 0, records: 120, seed: 3, deltaTokenCapacity: 50 });
    window = sandbox.info().calendar_window;
  });
  afterAll(() => sandbox.close());
  const eventsStart = () => `/v1.0/me/calendarView/delta?startDateTime=${window.start}T00:00:00Z&endDateTime=${window.end}T00:00:00Z`;

  describe('authentication', () => {
    it('answers a missing, malformed or foreign token with 401 InvalidAuthenticationToken and Graph\'s challenge', async () => {
      const missing = await call(sandbox, '/v1.0/me', { token: null });
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      const inner = (missing.body['error'] as Json)['innerError'] as Json;
      expect(inner['request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(inner['date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(missing.headers.get('www-authenticate')).toContain('authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"');
      const malformed = await call(sandbox, '/v1.0/me', { token: 'not-a-jwt' });
      expect((malformed.body['error'] as Json)['message']).toMatch(/^IDX14100: JWT is not well formed/);
      const foreign = await call(sandbox, '/v1.0/me', { token: 'a.b.c' });
      expect((foreign.body['error'] as Json)['message']).toBe('Access token validation failure. Invalid audience.');
    });

    it('serves /me to the printed token, with Graph\'s OData headers', async () => {
      expect(sandbox.token).toBe(DEFAULT_MICROSOFT_SANDBOX_TOKEN);
      const me = await call(sandbox, '/v1.0/me', { token: DEFAULT_MICROSOFT_SANDBOX_TOKEN });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: sandbox.info().user.id, userPrincipalName: sandbox.info().user.userPrincipalName });
      expect(me.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal/);
      expect(me.headers.get('odata-version')).toBe('4.0');
      expect(me.headers.get('request-id')).toBe(me.headers.get('client-request-id'));
    });

    it('runs the identity platform: authorize → code → token with PKCE, rotating refresh tokens, expiry', async () => {
      const verifier = 'x'.repeat(50);
      const { createHash } = await import('node:crypto');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const authorize = new URL(`${sandbox.url}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`);
      for (const [k, v] of Object.entries({ client_id: DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, response_type: 'code', redirect_uri: 'http://localhost/cb', scope: 'offline_access Calendars.Read', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' })) authorize.searchParams.set(k, v);
      const consent = await fetch(authorize, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
      const token = (form: Record<string, string>) =>
        fetch(`${sandbox.url}/common/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, client_secret: DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, ...form }) });
      const wrongVerifier = await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost/cb', code_verifier: 'y'.repeat(50) });
      expect(wrongVerifier.status).toBe(400);
      const refusal = (await wrongVerifier.json()) as Json;
      expect(refusal).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
      expect(refusal['error_description']).toMatch(/^AADSTS501481: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
      expect(Object.keys(refusal).sort()).toEqual(['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id']);

      // The code was spent by the refused attempt, as a redeemed code is; authorize again.
      const again = await fetch(authorize, { redirect: 'manual' });
      const code2 = new URL(again.headers.get('location')!).searchParams.get('code')!;
      const issued = (await (await token({ grant_type: 'authorization_code', code: code2, redirect_uri: 'http://localhost/cb', code_verifier: verifier })).json()) as Json;
      expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, scope: 'offline_access Calendars.Read' });
      expect(issued['access_token']).toMatch(/^eyJ[\w-]+\.[\w-]+\./);
      expect((await call(sandbox, '/v1.0/me', { token: issued['access_token'] as string })).status).toBe(200);

      const refreshed = (await (await token({ grant_type: 'refresh_token', refresh_token: issued['refresh_token'] as string })).json()) as Json;
      expect(refreshed['refresh_token']).not.toBe(issued['refresh_token']);
      const reused = await token({ grant_type: 'refresh_token', refresh_token: issued['refresh_token'] as string });
      expect(await reused.json()).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
      const badSecret = await token({ grant_type: 'refresh_token', refresh_token: refreshed['refresh_token'] as string, client_secret: 'nope' });
      expect(badSecret.status).toBe(401);
      expect(await badSecret.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });

      await control(sandbox, 'oauth/expire');
      const expired = await call(sandbox, '/v1.0/me', { token: refreshed['access_token'] as string });
      expect(expired.status).toBe(401);
      expect((expired.body['error'] as Json)['message']).toBe('Lifetime validation failed, the token is expired.');
      // The static token is not an issued one: it keeps working.
      expect((await call(sandbox, '/v1.0/me')).status).toBe(200);
    });
  });

  describe('calendar view delta', () => {
    it('requires a window, pages by Prefer: odata.maxpagesize and ends with a delta link', async () => {
      const noWindow = await call(sandbox, '/v1.0/me/calendarView/delta');
      expect(noWindow.status).toBe(400);
      expect(noWindow.body).toMatchObject({ error: { code: 'ErrorInvalidParameter' } });
      const first = await call(sandbox, eventsStart(), { prefer: 'outlook.timezone="UTC", odata.maxpagesize=25' });
      expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=25');
      expect(first.body['@odata.nextLink']).toMatch(/\/v1\.0\/me\/calendarView\/delta\?\$skiptoken=/);
      const all = await round(sandbox, eventsStart());
      expect(all.items).toHaveLength(sandbox.info().counts.events);
      expect(new Set(ids(all.items)).size).toBe(all.items.length);
      expect(all.pageSizes.slice(0, -1).every((n) => n === 25)).toBe(true);
      expect(all.deltaLink).toMatch(/\/v1\.0\/me\/calendarView\/delta\?\$deltatoken=/);
      const event = all.items[0]!;
      expect(event).toMatchObject({ '@odata.type': '#microsoft.graph.event', type: 'singleInstance', start: { timeZone: 'UTC' } });
      expect(event['lastModifiedDateTime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
      expect((event['start'] as Json)['dateTime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.0000000$/);
      // Default page size is Graph's 10.
      expect(((await call(sandbox, eventsStart())).body['value'] as Json[]).length).toBe(10);
    });

    it('lists only events overlapping the window', async () => {
      const narrow = `/v1.0/me/calendarView/delta?startdatetime=${sandbox.info().calendar_window.start}&enddatetime=${window.start.slice(0, 4)}-12-31`;
      const some = await round(sandbox, narrow);
      expect(some.items.length).toBeLessThan(sandbox.info().counts.events);
      for (const item of some.items) expect(Date.parse(`${(item['start'] as Json)['dateTime'] as string}Z`)).toBeLessThan(Date.parse(`${window.start.slice(0, 4)}-12-31T00:00:00Z`));
    });

    it('reports exactly the changes since a delta link: new and updated events in full, deleted ones as @removed', async () => {
      const base = await round(sandbox, eventsStart());
      const quiet = await round(sandbox, base.deltaLink);
      expect(quiet.items).toEqual([]);
      const change = await control(sandbox, 'changes', { stream: 'events', create: 3, update: 4, delete: 2 });
      const next = await round(sandbox, base.deltaLink, 'odata.maxpagesize=4');
      const removed = next.items.filter((i) => i['@removed'] !== undefined);
      expect(ids(removed)).toEqual([...(change['deleted'] as string[])].sort());
      for (const item of removed) expect(item).toEqual({ '@odata.type': '#microsoft.graph.event', id: item['id'], '@removed': { reason: 'deleted' } });
      const upserts = next.items.filter((i) => i['@removed'] === undefined);
      expect(ids(upserts)).toEqual([...(change['created'] as string[]), ...(change['updated'] as string[])].sort());
      for (const item of upserts) expect(item['lastModifiedDateTime']).toMatch(new RegExp(`^${(change['modified_at'] as string).slice(0, 19)}`));
      expect(next.pageSizes).toEqual([4, 4, 1]);
      // A delta link can be replayed (a crashed run retries it); the new one has nothing.
      expect((await round(sandbox, base.deltaLink)).items).toHaveLength(9);
      expect((await round(sandbox, next.deltaLink)).items).toEqual([]);
      expect(sandbox.info().counts.events).toBe(120 + 3 - 2);
    });

    it('answers 410 syncStateNotFound once a delta token has left the token cache', async () => {
      const base = await round(sandbox, eventsStart());
      expect(sandbox.expireDeltaTokens()).toBeGreaterThan(0);
      const gone = await call(sandbox, base.deltaLink);
      expect(gone.status).toBe(410);
      expect(gone.body).toMatchObject({ error: { code: 'syncStateNotFound' } });
      const invalid = await call(sandbox, '/v1.0/me/calendarView/delta?$skiptoken=garbage');
      expect(invalid.status).toBe(400);
    });
  });

  describe('messages delta', () => {
    it('is per folder, by well-known name or id, and reports moves out of scope nowhere else', async () => {
      const info = sandbox.info();
      const inbox = await round(sandbox, '/v1.0/me/mailFolders/inbox/messages/delta');
      const sent = await round(sandbox, `/v1.0/me/mailFolders('${info.folders.sentitems.id}')/messages/delta`);
      expect(inbox.items).toHaveLength(info.folders.inbox.messages);
      expect(sent.items).toHaveLength(info.folders.sentitems.messages);
      expect(info.counts.messages).toBe(inbox.items.length + sent.items.length);
      expect(new Set(inbox.items.map((m) => m['parentFolderId']))).toEqual(new Set([info.folders.inbox.id]));
      expect(inbox.deltaLink).toContain(`/me/mailFolders('${info.folders.inbox.id}')/messages/delta?$deltatoken=`);
      const message = inbox.items[0]!;
      expect(message['receivedDateTime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(message).toHaveProperty('from.emailAddress.address');

      const change = await control(sandbox, 'changes', { stream: 'messages', create: 5, update: 5, delete: 5 });
      const inboxChanges = await round(sandbox, inbox.deltaLink);
      const sentChanges = await round(sandbox, sent.deltaLink);
      const everything = [...inboxChanges.items, ...sentChanges.items];
      expect(ids(everything)).toEqual([...(change['created'] as string[]), ...(change['updated'] as string[]), ...(change['deleted'] as string[])].sort());
      expect(ids(everything.filter((m) => m['@removed']))).toEqual([...(change['deleted'] as string[])].sort());
      for (const item of inboxChanges.items.filter((m) => !m['@removed'])) expect(item['parentFolderId']).toBe(info.folders.inbox.id);
      expect((await call(sandbox, '/v1.0/me/mailFolders/drafts/messages/delta')).status).toBe(404);
      expect((await call(sandbox, '/v1.0/me/mailFolders/inbox/messages/delta?$search=hello')).status).toBe(400);
    });

    it('lists the mail folders with their counts', async () => {
      const list = await call(sandbox, '/v1.0/me/mailFolders');
      const value = list.body['value'] as Json[];
      expect(value.map((f) => f['displayName'])).toEqual(['Inbox', 'Sent Items']);
      expect(value[0]!['totalItemCount']).toBe(sandbox.info().folders.inbox.messages);
    });
  });

  it('renders injected faults in Graph\'s shape: 429 TooManyRequests with Retry-After, 503 serviceNotAvailable', async () => {
    const faults = async (body: Json) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await faults({ kind: 'rate_limit', retry_after: 7 });
    await faults({ kind: 'secondary_rate_limit', retry_after: 2 });
    await faults({ kind: 'server_error', status: 503 });
    const limited = await call(sandbox, '/v1.0/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ error: { code: 'TooManyRequests', message: 'Please retry again later.', innerError: { code: '429', status: '429' } } });
    const concurrency = await call(sandbox, '/v1.0/me');
    expect(concurrency.body).toMatchObject({ error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } });
    const unavailable = await call(sandbox, '/v1.0/me');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    expect((await call(sandbox, '/v1.0/me')).status).toBe(200);
  });

  it('enforces the Outlook budget when asked: 429 with Retry-After until the 10-minute window resets', async () => {
    const strict = await createMicrosoftSandbox({ port: 0, records: 5, seed: 4, rateLimit: 2, enforceRateLimit: true });
    try {
      expect((await call(strict, '/v1.0/me')).status).toBe(200);
      expect((await call(strict, '/v1.0/me')).status).toBe(200);
      const third = await call(strict, '/v1.0/me');
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(500);
    } finally {
      await strict.close();
    }
  });

  it('is deterministic per seed and different between seeds', async () => {
    const again = await createMicrosoftSandbox({ port: 0, records: 120, seed: 3 });
    const other = await createMicrosoftSandbox({ port: 0, records: 120, seed: 7919 });
    try {
      const start = (s: MicrosoftSandboxHandle) => `/v1.0/me/calendarView/delta?startDateTime=${s.info().calendar_window.start}&endDateTime=${s.info().calendar_window.end}`;
      const a = await round(again, start(again));
      const b = await round(again, start(again));
      expect(a.items).toEqual(b.items);
      const c = await round(other, start(other));
      expect(new Set(ids(c.items)).size).toBe(120);
      expect(ids(c.items).filter((id) => ids(a.items).includes(id))).toEqual([]);
      expect(other.info().user.id).not.toBe(again.info().user.id);
    } finally {
      await again.close();
      await other.close();
    }
  });
});
