import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallClockAt, jqlMinute } from '../time-zone.js';
import { createJiraSandbox, DEFAULT_JIRA_SANDBOX_EMAIL, DEFAULT_JIRA_SANDBOX_TOKEN, JIRA_SANDBOX_CLIENT_ID, JIRA_SANDBOX_CLIENT_SECRET, type JiraSandboxHandle } from './index.js';

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function call(sandbox: JiraSandboxHandle, path: string, init: { auth?: string | null; method?: string; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? basic(sandbox.email, sandbox.token) : init.auth;
  if (auth !== null) headers['authorization'] = auth;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // plain text, as some Jira refusals are
  }
  return { status: response.status, headers: response.headers, body, text };
}

function basic(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

const search = (jql: string, extra = '') => `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}${extra}`;

/** Follows `nextPageToken` and returns every issue. */
async function searchAll(sandbox: JiraSandboxHandle, jql: string, extra = '&fields=updated,project&maxResults=100', auth?: string): Promise<{ issues: Json[]; pages: number }> {
  const issues: Json[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await call(sandbox, search(jql, `${extra}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`), auth === undefined ? {} : { auth });
    expect(res.status, res.text).toBe(200);
    const body = res.body as { issues: Json[]; nextPageToken?: string; isLast: boolean };
    expect(body.isLast).toBe(body.nextPageToken === undefined);
    issues.push(...body.issues);
    token = body.nextPageToken;
    pages++;
  } while (token);
  return { issues, pages };
}

const updatedOf = (issue: Json) => Date.parse((issue['fields'] as Json)['updated'] as string);

describe('jira sandbox', () => {
  let sandbox: JiraSandboxHandle;
  beforeAll(async () => {
    sandbox = await createJiraSandbox({ port: 0, records: 450, seed: 3 });
  });
  afterAll(() => sandbox.close());

  describe('authentication, as the site and as the gateway', () => {
    it('answers a wrong API token or email with Jira\'s plain-text 401', async () => {
      for (const auth of [basic(sandbox.email, 'not-the-token'), basic('someone@else.dev', sandbox.token)]) {
        const res = await call(sandbox, '/rest/api/3/myself', { auth });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(res.text).toMatch(/^Basic authentication with passwords is deprecated\./);
      }
    });

    it('treats no credentials as an anonymous user who may browse nothing', async () => {
      const me = await call(sandbox, '/rest/api/3/myself', { auth: null });
      expect(me.status).toBe(401);
      expect(me.body).toEqual({ errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      expect((await call(sandbox, search('project = DOCS OR project = WEB'), { auth: null })).status).toBe(400);
      const found = await call(sandbox, search('updated >= "2020-01-01"'), { auth: null });
      expect(found.body).toEqual({ issues: [], isLast: true });
      expect(((await call(sandbox, '/rest/api/3/project/search', { auth: null })).body as Json)['values']).toEqual([]);
    });

    it('accepts the printed email and token, and knows the account', async () => {
      expect(sandbox.token).toBe(DEFAULT_JIRA_SANDBOX_TOKEN);
      expect(sandbox.email).toBe(DEFAULT_JIRA_SANDBOX_EMAIL);
      const me = await call(sandbox, '/rest/api/3/myself', { auth: basic(sandbox.email.toUpperCase(), sandbox.token) });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ emailAddress: sandbox.email, accountType: 'atlassian', active: true, timeZone: sandbox.info().time_zone });
    });

    it('refuses an OAuth token on the site, and anything but a good bearer (or API token) on the gateway', async () => {
      const onSite = await call(sandbox, '/rest/api/3/myself', { auth: `Bearer ${sandbox.token}` });
      expect(onSite.status).toBe(401);
      expect(onSite.body).toEqual({ message: 'Client must be authenticated to access this resource.', 'status-code': 401 });
      const gateway = `/ex/jira/${sandbox.cloudId}/rest/api/3/myself`;
      expect((await call(sandbox, gateway, { auth: `Bearer ${sandbox.token}` })).status).toBe(200);
      expect((await call(sandbox, gateway)).status).toBe(200);
      const bad = await call(sandbox, gateway, { auth: 'Bearer eyJnope' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ code: 401, message: 'Unauthorized' });
      expect((await call(sandbox, `/ex/jira/00000000-0000-0000-0000-000000000000/rest/api/3/myself`, { auth: `Bearer ${sandbox.token}` })).status).toBe(404);
      // accessible-resources is for OAuth tokens only.
      expect((await call(sandbox, '/oauth/token/accessible-resources')).status).toBe(401);
    });
  });

  it('sends Jira\'s headers and a per-credential rate-limit budget that counts down', async () => {
    const first = await call(sandbox, '/rest/api/3/myself');
    const second = await call(sandbox, '/rest/api/3/myself');
    expect(first.headers.get('x-arequestid')).toMatch(/^[0-9a-f]+$/);
    expect(first.headers.get('x-ratelimit-limit')).toBe('500');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(Number(first.headers.get('x-ratelimit-remaining')) - 1);
    const unknown = await call(sandbox, '/rest/api/3/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('enforces the budget with Atlassian\'s 429: Retry-After, an ISO X-RateLimit-Reset and RateLimit-Reason', async () => {
    const strict = await createJiraSandbox({ port: 0, records: 10, seed: 3, rateLimit: 2, enforceRateLimit: true });
    try {
      await call(strict, '/rest/api/3/myself');
      const near = await call(strict, '/rest/api/3/myself');
      expect(near.headers.get('x-ratelimit-nearlimit')).toBe('true');
      const limited = await call(strict, '/rest/api/3/myself');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
      expect(limited.headers.get('ratelimit-reason')).toBe('jira-burst-based');
      expect(limited.body).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    } finally {
      await strict.close();
    }
  });

  it('renders injected faults in Jira\'s shape', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'rate_limit', retry_after: 7 }) });
    const limited = await call(sandbox, '/rest/api/3/myself');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'server_error', status: 503, retry_after: 2 }) });
    const unavailable = await call(sandbox, '/rest/api/3/myself');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('2');
    expect(unavailable.body).toEqual({ errorMessages: ['Service Unavailable'], errors: {} });
  });

  describe('the enhanced JQL search', () => {
    it('pages every issue once by nextPageToken, ordered by updated, the token absent on the last page', async () => {
      const { issues, pages } = await searchAll(sandbox, 'updated >= "1970-01-01" ORDER BY updated ASC, key ASC');
      expect(issues).toHaveLength(450);
      expect(pages).toBe(5);
      expect(new Set(issues.map((i) => i['id'])).size).toBe(450);
      const times = issues.map(updatedOf);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const keys = sandbox.info().projects.map((p) => p.key).join(', ');
      const desc = await call(sandbox, search(`project in (${keys}) ORDER BY updated DESC`, '&fields=updated&maxResults=1'));
      expect(desc.status, desc.text).toBe(200);
      expect((desc.body as { issues: Json[] }).issues[0]!['id']).toBe(issues.at(-1)!['id']);
    });

    it('returns ids only by default, up to 5,000 a page; with fields at most 100', async () => {
      const idsOnly = await call(sandbox, search('updated >= "1970-01-01"', '&maxResults=1000'));
      const body = idsOnly.body as { issues: Json[]; isLast: boolean };
      expect(body.issues).toHaveLength(450);
      expect(Object.keys(body.issues[0]!)).toEqual(['id']);
      expect(body.isLast).toBe(true);
      const full = await call(sandbox, search('updated >= "1970-01-01"', '&maxResults=1000&fields=*all'));
      const fullBody = full.body as { issues: Json[]; nextPageToken: string };
      expect(fullBody.issues).toHaveLength(100);
      expect(fullBody.issues[0]!['fields']).toHaveProperty('comment');
      const navigable = await call(sandbox, search('updated >= "1970-01-01"', '&fields=*navigable,-description&maxResults=1'));
      const fields = (navigable.body as { issues: Json[] }).issues[0]!['fields'] as Json;
      expect(fields).toHaveProperty('summary');
      expect(fields).not.toHaveProperty('description');
      expect(fields).not.toHaveProperty('comment');
    });

    it('takes the same search as a POST with a JSON body', async () => {
      const post = await call(sandbox, '/rest/api/3/search/jql', { method: 'POST', body: { jql: 'updated >= "1970-01-01" ORDER BY updated ASC', fields: ['summary', 'updated'], maxResults: 3 } });
      expect(post.status).toBe(200);
      const body = post.body as { issues: Json[]; nextPageToken: string };
      expect(Object.keys(body.issues[0]!['fields'] as Json).sort()).toEqual(['summary', 'updated']);
      const next = await call(sandbox, '/rest/api/3/search/jql', { method: 'POST', body: { jql: 'updated >= "1970-01-01" ORDER BY updated ASC', maxResults: 3, nextPageToken: body.nextPageToken } });
      expect((next.body as { issues: Json[] }).issues[0]!['id']).not.toBe(body.issues[0]!['id']);
      const wrongQuery = await call(sandbox, search('updated >= "1999-01-01"', `&nextPageToken=${body.nextPageToken}`));
      expect(wrongQuery.status).toBe(400);
    });

    it('refuses what Jira refuses: unbounded queries, dates with seconds, unknown projects and fields', async () => {
      const refusals: [string, RegExp][] = [
        ['ORDER BY updated ASC', /^Unbounded JQL queries are not allowed here/],
        ['updated >= "2024-01-01 10:00:00"', /^Date value '2024-01-01 10:00:00' for field 'updated' is invalid\. Valid formats include: 'yyyy\/MM\/dd HH:mm'/],
        ['project = NOPE', /^The value 'NOPE' does not exist for the field 'project'\.$/],
        ['colour = red', /^Field 'colour' does not exist or you do not have permission to view it\.$/],
      ];
      for (const [jql, message] of refusals) {
        const res = await call(sandbox, search(jql));
        expect(res.status, jql).toBe(400);
        expect((res.body as { errorMessages: string[] }).errorMessages[0], jql).toMatch(message);
        expect(res.body).toHaveProperty('errors', {});
      }
    });

    it('reads JQL dates in the user\'s time zone, to the minute', async () => {
      const { issues } = await searchAll(sandbox, 'updated >= "1970-01-01" ORDER BY updated ASC');
      const pivot = updatedOf(issues[200]!);
      const minute = jqlMinute(wallClockAt(pivot, sandbox.info().time_zone));
      const { issues: since } = await searchAll(sandbox, `updated >= "${minute}" ORDER BY updated ASC`);
      const minuteStart = Math.floor(pivot / 60_000) * 60_000;
      expect(since.map((i) => i['id'])).toEqual(issues.filter((i) => updatedOf(i) >= minuteStart).map((i) => i['id']));
      // The same literal read as UTC would be hours off in this sandbox's zone.
      expect(sandbox.info().time_zone).not.toBe('UTC');
    });

    it('filters by project and key, and serves single issues by key or id', async () => {
      const project = sandbox.info().projects[0]!;
      const { issues } = await searchAll(sandbox, `project = ${project.key} AND updated >= -3650w ORDER BY updated ASC`);
      expect(issues).toHaveLength(project.issues);
      const one = await call(sandbox, search(`key = ${project.key}-2`, '&fields=key'));
      const body = one.body as { issues: Json[] };
      expect(body.issues).toEqual([{ id: expect.any(String), key: `${project.key}-2` }]);
      const byKey = await call(sandbox, `/rest/api/3/issue/${project.key}-2`);
      const byId = await call(sandbox, `/rest/api/3/issue/${String(body.issues[0]!['id'])}`);
      expect(byKey.status).toBe(200);
      expect(byId.body).toEqual(byKey.body);
    });
  });

  it('pages projects by startAt with isLast and nextPage, and filters them by key', async () => {
    const first = await call(sandbox, '/rest/api/3/project/search?maxResults=1&expand=lead,description');
    const page = first.body as Json;
    expect(page).toMatchObject({ startAt: 0, maxResults: 1, total: sandbox.info().counts.projects, isLast: false });
    expect(page['nextPage']).toMatch(/startAt=1/);
    expect((page['values'] as Json[])[0]).toHaveProperty('lead.displayName');
    const last = await call(sandbox, page['nextPage'] as string);
    expect(last.body).toMatchObject({ startAt: 1, isLast: true });
    expect(last.body).not.toHaveProperty('nextPage');
    const key = sandbox.info().projects[1]!.key;
    const filtered = await call(sandbox, `/rest/api/3/project/search?keys=${key}&keys=NOPE`);
    expect(((filtered.body as Json)['values'] as Json[]).map((p) => p['key'])).toEqual([key]);
  });

  it('reports changes through updated timestamps, and deleted issues simply vanish', async () => {
    const before = sandbox.info();
    const change = await fetch(`${sandbox.url}/_sandbox/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: 'issues', create: 2, update: 3, delete: 2 }),
    });
    const result = (await change.json()) as { updated_at: string; created: string[]; updated: string[]; deleted: string[]; keys: { deleted: string[] } };
    expect(result.created).toHaveLength(2);
    const at = Date.parse(result.updated_at);
    const minute = jqlMinute(wallClockAt(at, before.time_zone));
    const { issues } = await searchAll(sandbox, `updated >= "${minute}" ORDER BY updated ASC`);
    expect(issues.map((i) => i['id']).sort()).toEqual([...result.created, ...result.updated].sort());
    expect(issues.every((i) => updatedOf(i) === at)).toBe(true);
    expect((await call(sandbox, `/rest/api/3/issue/${result.keys.deleted[0]}`)).status).toBe(404);
    expect(sandbox.info().counts.issues).toBe(before.counts.issues);
    const rejected = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'projects', create: 1 }) });
    expect(rejected.status).toBe(400);
  });

  it('is deterministic for a seed and different for another', async () => {
    const a = await createJiraSandbox({ port: 0, records: 50, seed: 7 });
    const b = await createJiraSandbox({ port: 0, records: 50, seed: 7 });
    const c = await createJiraSandbox({ port: 0, records: 50, seed: 7919 });
    try {
      // Links point at each sandbox's own origin; everything else must match.
      const page = async (s: JiraSandboxHandle) => JSON.stringify((await call(s, search('updated >= "1970-01-01"', '&fields=summary,updated,status'))).body).replaceAll(s.url, '');
      expect(await page(a)).toBe(await page(b));
      expect(await page(a)).not.toBe(await page(c));
      expect(a.cloudId).not.toBe(c.cloudId);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  describe('the Atlassian authorization server', () => {
    const redirectUri = 'https://tributary.example/api/v1/oauth/callback';
    const authorize = (params: Record<string, string>) => call(sandbox, `/authorize?${new URLSearchParams(params).toString()}`, { auth: null });
    const consent = {
      audience: 'api.atlassian.com',
      client_id: JIRA_SANDBOX_CLIENT_ID,
      scope: 'read:jira-work read:jira-user offline_access',
      redirect_uri: redirectUri,
      state: 's1',
      response_type: 'code',
      prompt: 'consent',
    };
    const token = (body: Json) => call(sandbox, '/oauth/token', { method: 'POST', body, auth: null });

    it('requires audience=api.atlassian.com on the authorize URL', async () => {
      const { audience: _audience, ...withoutAudience } = consent;
      expect((await authorize(withoutAudience)).status).toBe(400);
    });

    it('runs the code grant with a JSON body, then rotates refresh tokens on every refresh', async () => {
      const redirect = await authorize(consent);
      expect(redirect.status).toBe(302);
      const back = new URL(redirect.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('s1');
      const exchanged = await token({ grant_type: 'authorization_code', client_id: JIRA_SANDBOX_CLIENT_ID, client_secret: JIRA_SANDBOX_CLIENT_SECRET, code: back.searchParams.get('code'), redirect_uri: redirectUri });
      expect(exchanged.status).toBe(200);
      const tokens = exchanged.body as { access_token: string; refresh_token: string; expires_in: number; token_type: string; scope: string };
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: consent.scope });
      const resources = await call(sandbox, '/oauth/token/accessible-resources', { auth: `Bearer ${tokens.access_token}` });
      expect(resources.body).toEqual([{ id: sandbox.cloudId, url: sandbox.info().site_url, name: expect.any(String), scopes: ['read:jira-work', 'read:jira-user'], avatarUrl: expect.any(String) }]);
      expect((await call(sandbox, `/ex/jira/${sandbox.cloudId}/rest/api/3/myself`, { auth: `Bearer ${tokens.access_token}` })).status).toBe(200);

      const refreshed = await token({ grant_type: 'refresh_token', client_id: JIRA_SANDBOX_CLIENT_ID, client_secret: JIRA_SANDBOX_CLIENT_SECRET, refresh_token: tokens.refresh_token });
      const fresh = refreshed.body as { access_token: string; refresh_token: string };
      expect(fresh.refresh_token).not.toBe(tokens.refresh_token);
      const reused = await token({ grant_type: 'refresh_token', client_id: JIRA_SANDBOX_CLIENT_ID, client_secret: JIRA_SANDBOX_CLIENT_SECRET, refresh_token: tokens.refresh_token });
      expect(reused.status).toBe(403);
      expect(reused.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });

      await fetch(`${sandbox.url}/_sandbox/oauth/expire`, { method: 'POST' });
      expect((await call(sandbox, `/ex/jira/${sandbox.cloudId}/rest/api/3/myself`, { auth: `Bearer ${fresh.access_token}` })).body).toEqual({ code: 401, message: 'Unauthorized' });
      const badClient = await token({ grant_type: 'refresh_token', client_id: JIRA_SANDBOX_CLIENT_ID, client_secret: 'wrong', refresh_token: fresh.refresh_token });
      expect(badClient.status).toBe(401);
    });

    it('issues no refresh token without offline_access', async () => {
      const redirect = await authorize({ ...consent, scope: 'read:jira-work' });
      const code = new URL(redirect.headers.get('location')!).searchParams.get('code');
      const exchanged = await token({ grant_type: 'authorization_code', client_id: JIRA_SANDBOX_CLIENT_ID, client_secret: JIRA_SANDBOX_CLIENT_SECRET, code, redirect_uri: redirectUri });
      expect(exchanged.status).toBe(200);
      expect(exchanged.body).not.toHaveProperty('refresh_token');
    });
  });
});
