import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGmailSandbox, DEFAULT_GMAIL_SANDBOX_CLIENT_ID, DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET, DEFAULT_GMAIL_SANDBOX_TOKEN, type GmailSandboxHandle } from './index.js';

type Json = Record<string, any>;

async function call(sandbox: GmailSandboxHandle, path: string, token: string | null = sandbox.token) {
  const response = await fetch(`${sandbox.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

async function control(sandbox: GmailSandboxHandle, path: string, body: unknown): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Json;
}

/** Follows nextPageToken and returns every listed item. */
async function listAll(sandbox: GmailSandboxHandle, path: string, key: 'messages' | 'threads'): Promise<Json[]> {
  const items: Json[] = [];
  let token: string | undefined;
  do {
    const res = await call(sandbox, `${path}${path.includes('?') ? '&' : '?'}${token ? `pageToken=${token}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...((res.body[key] as Json[] | undefined) ?? []));
    token = res.body['nextPageToken'] as string | undefined;
  } while (token);
  return items;
}

describe('gmail sandbox', () => {
  let sandbox: GmailSandboxHandle;
  beforeAll(async () => {
    sandbox = await createGmailSandbox({ port: 0, records: 1200, seed: 3 });
  });
  afterAll(() => sandbox.close());

  describe('authentication', () => {
    it("answers a missing token with Google's 401 'Login Required' body", async () => {
      const res = await call(sandbox, '/gmail/v1/users/me/profile', null);
      expect(res.status).toBe(401);
      expect(res.body['error']).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'required', message: 'Login Required.', domain: 'global' }] });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/"');
    });

    it("answers a wrong token with 401 'Invalid Credentials' and error=\"invalid_token\"", async () => {
      const res = await call(sandbox, '/gmail/v1/users/me/messages', 'ya29.wrong');
      expect(res.status).toBe(401);
      expect(res.body['error']['errors'][0]).toMatchObject({ reason: 'authError', message: 'Invalid Credentials', location: 'Authorization' });
      expect(res.body['error']['message']).toMatch(/^Request had invalid authentication credentials/);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('accepts the printed static token, and refuses another user with Delegation denied', async () => {
      expect(sandbox.token).toBe(DEFAULT_GMAIL_SANDBOX_TOKEN);
      const profile = await call(sandbox, '/gmail/v1/users/me/profile');
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ emailAddress: sandbox.info().email_address, historyId: sandbox.info().history_id });
      expect((await call(sandbox, `/gmail/v1/users/${encodeURIComponent(sandbox.info().email_address)}/profile`)).status).toBe(200);
      const other = await call(sandbox, '/gmail/v1/users/someone@example.com/profile');
      expect(other.status).toBe(403);
      expect(other.body['error']['message']).toBe('Delegation denied for someone@example.com');
    });

    it('runs the OAuth code flow with PKCE; access tokens expire and refresh without a new refresh token', async () => {
      const verifier = 'v'.repeat(50);
      const { createHash } = await import('node:crypto');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const authorize = new URL(sandbox.oauth!.authorization_url);
      expect(authorize.pathname).toBe('/o/oauth2/v2/auth');
      const params = { client_id: DEFAULT_GMAIL_SANDBOX_CLIENT_ID, redirect_uri: 'http://localhost/cb', response_type: 'code', scope: 'https://www.googleapis.com/auth/gmail.readonly', state: 's1', access_type: 'offline', prompt: 'consent', code_challenge: challenge, code_challenge_method: 'S256' };
      const consent = await fetch(`${authorize.href}?${new URLSearchParams(params)}`, { redirect: 'manual' });
      const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
      const exchange = async (form: Record<string, string>) => {
        const res = await fetch(sandbox.oauth!.token_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: DEFAULT_GMAIL_SANDBOX_CLIENT_ID, client_secret: DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET, ...form }) });
        return (await res.json()) as Json;
      };
      const tokens = await exchange({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost/cb', code_verifier: verifier });
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
      expect(tokens['access_token']).toMatch(/^ya29\./);
      expect(tokens['refresh_token']).toMatch(/^1\/\//);
      expect((await call(sandbox, '/gmail/v1/users/me/profile', tokens['access_token'])).status).toBe(200);

      await control(sandbox, 'oauth/expire', {});
      expect((await call(sandbox, '/gmail/v1/users/me/profile', tokens['access_token'])).status).toBe(401);
      const refreshed = await exchange({ grant_type: 'refresh_token', refresh_token: tokens['refresh_token'] });
      expect(refreshed['refresh_token']).toBeUndefined();
      expect((await call(sandbox, '/gmail/v1/users/me/profile', refreshed['access_token'])).status).toBe(200);
    });
  });

  it('lists message ids newest first in pages of maxResults (default 100, cap 500), without Spam and Trash', async () => {
    const info = sandbox.info();
    const first = await call(sandbox, '/gmail/v1/users/me/messages');
    expect(first.body['messages']).toHaveLength(100);
    expect(Object.keys(first.body['messages'][0]).sort()).toEqual(['id', 'threadId']);
    expect(first.body['resultSizeEstimate']).toBe(info.counts.messages);
    expect((await call(sandbox, '/gmail/v1/users/me/messages?maxResults=5000')).body['messages']).toHaveLength(500);

    const all = await listAll(sandbox, '/gmail/v1/users/me/messages?maxResults=250', 'messages');
    expect(all).toHaveLength(info.counts.messages);
    expect(new Set(all.map((m) => m['id'])).size).toBe(all.length);
    const withHidden = await listAll(sandbox, '/gmail/v1/users/me/messages?maxResults=500&includeSpamTrash=true', 'messages');
    expect(withHidden).toHaveLength(info.counts.messages + info.spam_trash.messages);
    expect(info.spam_trash.messages).toBeGreaterThan(0);
    // Gmail ids carry their receive time: newest first means decreasing ids.
    const ids = all.map((m) => BigInt(`0x${m['id'] as string}`));
    expect(ids.every((id, i) => i === 0 || id < ids[i - 1]!)).toBe(true);
    expect((await call(sandbox, '/gmail/v1/users/me/messages?pageToken=garbage')).status).toBe(400);
  });

  it('serves messages in the minimal, metadata (with metadataHeaders) and raw formats; unknown ids are 404', async () => {
    const [listed] = (await call(sandbox, '/gmail/v1/users/me/messages?maxResults=1')).body['messages'] as Json[];
    const metadata = await call(sandbox, `/gmail/v1/users/me/messages/${listed!['id']}?format=metadata&metadataHeaders=From&metadataHeaders=subject`);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ id: listed!['id'], threadId: listed!['threadId'] });
    expect(metadata.body['historyId']).toMatch(/^\d+$/);
    expect(metadata.body['internalDate']).toMatch(/^\d{13}$/);
    expect(metadata.body['payload']['headers'].map((h: Json) => h['name'])).toEqual(['Subject', 'From']);
    const minimal = await call(sandbox, `/gmail/v1/users/me/messages/${listed!['id']}?format=minimal`);
    expect(minimal.body['payload']).toBeUndefined();
    expect(minimal.body['labelIds']).toEqual(metadata.body['labelIds']);
    const raw = await call(sandbox, `/gmail/v1/users/me/messages/${listed!['id']}?format=raw`);
    expect(Buffer.from(raw.body['raw'], 'base64url').toString()).toContain('MIME-Version: 1.0');
    const missing = await call(sandbox, '/gmail/v1/users/me/messages/18000000000000ff');
    expect(missing.status).toBe(404);
    expect(missing.body['error']).toMatchObject({ code: 404, status: 'NOT_FOUND', errors: [{ reason: 'notFound' }] });
  });

  it('lists threads (id, snippet, historyId) newest activity first; a thread holds its messages', async () => {
    const threads = await listAll(sandbox, '/gmail/v1/users/me/threads?maxResults=300', 'threads');
    expect(threads).toHaveLength(sandbox.info().counts.threads);
    expect(Object.keys(threads[0]!).sort()).toEqual(['historyId', 'id', 'snippet']);
    const thread = await call(sandbox, `/gmail/v1/users/me/threads/${threads[0]!['id']}?format=minimal`);
    expect(thread.status).toBe(200);
    expect(thread.body['messages'][0]['id']).toBe(threads[0]!['id']);
    expect(thread.body['historyId']).toBe(threads[0]!['historyId']);
  });

  it('filters messages.list with q=after:/before: (epoch seconds) and is:/in:; refuses unknown search terms', async () => {
    const all = await listAll(sandbox, '/gmail/v1/users/me/messages?maxResults=500', 'messages');
    const pivot = await call(sandbox, `/gmail/v1/users/me/messages/${all[100]!['id']}?format=minimal`);
    const seconds = Math.ceil(Number(pivot.body['internalDate']) / 1000);
    const after = await listAll(sandbox, `/gmail/v1/users/me/messages?maxResults=500&q=after:${seconds}`, 'messages');
    expect(after.map((m) => m['id'])).toEqual(all.slice(0, 100).map((m) => m['id']));
    const before = await listAll(sandbox, `/gmail/v1/users/me/messages?maxResults=500&q=before:${seconds}`, 'messages');
    expect(before.length + after.length).toBe(all.length);
    const unread = await listAll(sandbox, '/gmail/v1/users/me/messages?maxResults=500&q=is:unread', 'messages');
    expect(unread.length).toBeGreaterThan(0);
    expect(unread.length).toBeLessThan(all.length);
    expect((await call(sandbox, '/gmail/v1/users/me/messages?q=has:attachment')).status).toBe(400);
  });

  it('reports changes through history.list: added, relabelled and deleted messages, paged, filtered by type', async () => {
    const start = sandbox.info().history_id;
    const change = await control(sandbox, 'changes', { stream: 'messages', create: 3, update: 4, delete: 2 });
    expect(change['created']).toHaveLength(3);
    expect(Number(change['history_id'])).toBeGreaterThan(Number(start));

    const page1 = await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${start}&maxResults=4`);
    expect(page1.body['history']).toHaveLength(4);
    expect(page1.body['historyId']).toBe(change['history_id']);
    const page2 = await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${start}&maxResults=500&pageToken=${page1.body['nextPageToken']}`);
    const records = [...page1.body['history'], ...page2.body['history']] as Json[];
    const ids = records.map((r) => Number(r['id']));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const of = (field: string) => records.flatMap((r) => ((r[field] as Json[] | undefined) ?? []).map((e) => e['message']['id'] as string));
    expect(of('messagesAdded').sort()).toEqual([...(change['created'] as string[])].sort());
    expect(of('messagesDeleted').sort()).toEqual([...(change['deleted'] as string[])].sort());
    expect(new Set([...of('labelsAdded'), ...of('labelsRemoved')])).toEqual(new Set(change['updated'] as string[]));

    const onlyDeleted = await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${start}&historyTypes=messageDeleted`);
    expect((onlyDeleted.body['history'] as Json[]).every((r) => r['messagesDeleted'] && !r['messagesAdded'] && !r['labelsAdded'])).toBe(true);
    // A deleted message is gone; a relabelled one carries the history id of its change.
    expect((await call(sandbox, `/gmail/v1/users/me/messages/${(change['deleted'] as string[])[0]}`)).status).toBe(404);
    const updated = await call(sandbox, `/gmail/v1/users/me/messages/${(change['updated'] as string[])[0]}?format=minimal`);
    expect(Number(updated.body['historyId'])).toBeGreaterThan(Number(start));
    // Nothing after the current id; a start in the future has nothing either.
    expect((await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${change['history_id']}`)).body).toEqual({ historyId: change['history_id'] });
    expect((await call(sandbox, '/gmail/v1/users/me/history')).status).toBe(400);
  });

  it('answers 404 for a start id older than the history kept', async () => {
    const before = sandbox.info().history_id;
    await control(sandbox, 'changes', { stream: 'messages', update: 1 });
    sandbox.expireHistory();
    const expired = await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${before}`);
    expect(expired.status).toBe(404);
    expect(expired.body['error']['status']).toBe('NOT_FOUND');
    expect((await call(sandbox, `/gmail/v1/users/me/history?startHistoryId=${sandbox.info().history_id}`)).status).toBe(200);
  });

  it("injects Google's rate-limit and server errors: 429 with Retry-After, 403 userRateLimitExceeded, 500/503 backendError", async () => {
    await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 2 });
    const limited = await call(sandbox, '/gmail/v1/users/me/profile');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body['error']).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] });
    await control(sandbox, 'faults', { kind: 'secondary_rate_limit' });
    const quota = await call(sandbox, '/gmail/v1/users/me/profile');
    expect(quota.status).toBe(403);
    expect(quota.body['error']['errors'][0]).toMatchObject({ reason: 'userRateLimitExceeded', domain: 'usageLimits' });
    await control(sandbox, 'faults', { kind: 'server_error', count: 2 });
    expect((await call(sandbox, '/gmail/v1/users/me/profile')).body['error']).toMatchObject({ code: 500, errors: [{ reason: 'backendError' }] });
    expect((await call(sandbox, '/gmail/v1/users/me/profile')).body['error']).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
  });

  it('enforces the per-user quota in units when asked: 403 userRateLimitExceeded past 15,000 units a minute', async () => {
    const small = await createGmailSandbox({ port: 0, records: 10, seed: 1, quotaPerMinute: 12, enforceQuota: true });
    try {
      expect((await call(small, '/gmail/v1/users/me/messages')).status).toBe(200); // 5 units
      expect((await call(small, '/gmail/v1/users/me/messages')).status).toBe(200); // 10
      const refused = await call(small, '/gmail/v1/users/me/messages');
      expect(refused.status).toBe(403);
      expect(refused.body['error']['errors'][0]['reason']).toBe('userRateLimitExceeded');
      expect((await call(small, '/gmail/v1/users/me/profile')).status).toBe(200); // 1 unit still fits
    } finally {
      await small.close();
    }
  });

  it('is deterministic from the seed, and another seed is another mailbox', async () => {
    const [a, b, other] = (await Promise.all([3, 3, 4].map((seed) => createGmailSandbox({ port: 0, records: 300, seed })))) as [GmailSandboxHandle, GmailSandboxHandle, GmailSandboxHandle];
    try {
      const page = async (s: GmailSandboxHandle) => {
        const ids = ((await call(s, '/gmail/v1/users/me/messages?maxResults=3')).body['messages'] as Json[]).map((m) => m['id'] as string);
        return Promise.all(ids.map(async (id) => (await call(s, `/gmail/v1/users/me/messages/${id}?format=metadata`)).body));
      };
      expect(await page(b)).toEqual(await page(a));
      expect((await page(other)).map((m) => m['id'])).not.toEqual((await page(a)).map((m) => m['id']));
    } finally {
      await Promise.all([a, b, other].map((s) => s.close()));
    }
  });

  it('keeps /_sandbox/info counts equal to what the lists return after changes', async () => {
    await control(sandbox, 'changes', { stream: 'messages', create: 5, delete: 7 });
    const info = sandbox.info();
    expect(await listAll(sandbox, '/gmail/v1/users/me/messages?maxResults=500', 'messages')).toHaveLength(info.counts.messages);
    expect(await listAll(sandbox, '/gmail/v1/users/me/threads?maxResults=500', 'threads')).toHaveLength(info.counts.threads);
    const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'threads', create: 1 }) });
    expect(res.status).toBe(400);
  });
});
