import { afterEach, describe, expect, it } from 'vitest';
import type { ManifestInput } from '../../../contracts/manifest.js';
import type { JsonRecord } from '../declarative/stream-spec.js';
import { SandboxOAuth } from './oauth-server.js';
import { createSimulator } from './simulator.js';
import type { SimulatorProvider } from './simulator-provider.js';
import { closeStarted, control, get, ids, manifest, provider, start, streams, track, walk } from './simulator-test-harness.js';

afterEach(closeStarted);

describe('the generic simulator', () => {
  it('serves the same records for the same seed and others for another seed', async () => {
    const [a, b, c] = await Promise.all([start(), start(), start({ seed: 8 })]);
    const [ra, rb, rc] = await Promise.all([get(a, '/tags'), get(b, '/tags'), get(c, '/tags')]);
    expect(ra.body.tags).toHaveLength(60);
    expect(rb.body).toEqual(ra.body);
    expect(rc.body.tags).not.toEqual(ra.body.tags);
    const first = ra.body.tags[0];
    expect(first).toMatchObject({ id: expect.any(String), status: expect.stringMatching(/^(open|closed)$/), owner_email: expect.stringMatching(/@example\.com$/) });
    expect(ra.body).toMatchObject({ object: 'list', stream: 'tags' });
  });

  it.each(['people', 'deals', 'tickets', 'notes', 'tasks', 'events', 'tags', 'history'] as const)('pages %s: every record exactly once', async (stream) => {
    const sim = await start({ records: 53 });
    const path = { people: '/people', deals: '/deals', tickets: '/tickets', notes: '/notes', tasks: '/tasks', events: '/events', tags: '/tags', history: '/history' }[stream];
    const records = await walk(sim, stream, path);
    expect(records).toHaveLength(53);
    expect(new Set(ids(records)).size).toBe(53);
    expect(sim.info().counts[stream]).toBe(53);
  });

  it('serves partitions: the parent list and each partition its own records', async () => {
    const sim = await start({ counts: { people: 4, comments: 30, issues: 20 } });
    const people = await walk(sim, 'people', '/people');
    expect(people).toHaveLength(4);
    const all: JsonRecord[] = [];
    for (const person of people) all.push(...(await walk(sim, 'comments', `/people/${String(person['id'])}/comments`)));
    expect(new Set(ids(all)).size).toBe(30);
    const alpha = await walk(sim, 'issues', '/projects/ALPHA/issues');
    const beta = await walk(sim, 'issues', '/projects/BETA/issues');
    expect(alpha.length + beta.length).toBe(20);
    expect(alpha.length).toBeGreaterThan(0);
    // Integer ids from the schema; the renamed field is sent under the provider's name.
    expect(alpha[0]).toMatchObject({ id: expect.any(Number), headline: expect.any(String) });
    expect(alpha[0]).not.toHaveProperty('title');
  });

  it('filters by the datetime parameter, >= the sent moment', async () => {
    const sim = await start();
    const all = await walk(sim, 'people', '/people');
    const pivot = all[40]!['updated_at'] as string;
    const changed = await walk(sim, 'people', '/people', `updated_since=${encodeURIComponent(pivot)}`);
    expect(ids(changed)).toEqual(ids(all.slice(40)));
    expect((await get(sim, '/people?updated_since=yesterday')).body).toEqual({
      error: { status: 400, reason: 'bad_request', message: expect.stringContaining('updated_since') },
    });
  });

  it('reads a filter expression and rounds the sent value down to its granularity', async () => {
    const sim = await start({ records: 20 });
    const all = await walk(sim, 'tickets', '/tickets', `q=${encodeURIComponent('ORDER BY updated')}`);
    expect(all).toHaveLength(20);
    const pivot = new Date(all[10]!['updated_at'] as string);
    pivot.setUTCSeconds(pivot.getUTCSeconds() + 30);
    const minute = pivot.toISOString().slice(0, 16).replace('T', ' ');
    const changed = await walk(sim, 'tickets', '/tickets', `q=${encodeURIComponent(`updated >= "${minute}" ORDER BY updated`)}`);
    expect(ids(changed)).toEqual(ids(all.filter((r) => (r['updated_at'] as string).slice(0, 16) >= pivot.toISOString().slice(0, 16))));
    expect((await get(sim, `/tickets?q=${encodeURIComponent('updated since forever')}`)).status).toBe(400);
  });

  it('serves token exports: everything with a token, then only what changed, deletions flagged', async () => {
    const sim = await start({ records: 30 });
    let token: string | null = null;
    let body: any;
    let cursor: string | null = null;
    const first: JsonRecord[] = [];
    do {
      ({ body } = await get(sim, `/events${cursor ? `?pageToken=${cursor}` : ''}`));
      first.push(...body.items);
      cursor = body.nextPageToken;
      // Only the last page carries the position.
      if (cursor) expect(body.nextSyncToken).toBeUndefined();
    } while (cursor);
    token = body.nextSyncToken;
    expect(first).toHaveLength(30);
    expect(typeof token).toBe('string');

    const quiet = await get(sim, `/events?syncToken=${token}`);
    expect(quiet.body.items).toEqual([]);
    const change = await control(sim, 'changes', { stream: 'events', create: 1, update: 2, delete: 1 });
    const delta = await get(sim, `/events?syncToken=${token}`);
    expect(ids(delta.body.items).sort()).toEqual([...change.created, ...change.updated, ...change.deleted].sort());
    const deleted = delta.body.items.find((r: JsonRecord) => r['id'] === change.deleted[0]);
    expect(deleted.status).toBe('cancelled');
    expect(delta.body.nextSyncToken).not.toBe(token);
    expect(sim.info().counts.events).toBe(30);

    sim.expireExportTokens();
    const forgotten = await get(sim, `/events?syncToken=${delta.body.nextSyncToken}`);
    expect(forgotten.status).toBe(410);
    const again = await get(sim, '/events?maxResults=1000');
    expect(again.body.items).toHaveLength(30);
    expect((await get(sim, `/events?syncToken=${again.body.nextSyncToken}`)).body.items).toEqual([]);

    const tampered = `${String(token).slice(0, -2)}xx`;
    const expired = await get(sim, `/events?syncToken=${tampered}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ reason: 'fullSyncRequired' });
  });

  it('flags deletions in incremental reads and leaves them out of full reads', async () => {
    const sim = await start({ records: 40 });
    const before = sim.clock.now();
    const change = await control(sim, 'changes', { stream: 'people', delete: 2, update: 1 });
    expect(change.counts.people).toBe(38);
    const full = await walk(sim, 'people', '/people');
    expect(full).toHaveLength(38);
    expect(ids(full)).not.toContain(change.deleted[0]);
    const sinceBefore = new Date((before + 1) * 1000).toISOString();
    const incremental = await walk(sim, 'people', '/people', `updated_since=${encodeURIComponent(sinceBefore)}`);
    expect(ids(incremental)).toEqual([...change.updated, ...change.deleted]);
    expect(incremental.filter((r) => r['status'] === 'deleted').map((r) => r['id']).sort()).toEqual([...change.deleted].sort());
  });

  it('serves a deletions endpoint from the same cursor', async () => {
    const sim = await start({ records: 12 });
    const before = new Date((sim.clock.now() + 1) * 1000).toISOString();
    const change = await control(sim, 'changes', { stream: 'history', delete: 3 });
    const { body } = await get(sim, `/history/deleted?since=${encodeURIComponent(before)}`);
    expect(ids(body.data).sort()).toEqual([...change.deleted].sort());
    expect(await walk(sim, 'history', '/history')).toHaveLength(9);
  });

  it('moves changed records to the end with the cursor at the clock', async () => {
    const sim = await start({ records: 25 });
    const change = await control(sim, 'changes', { stream: 'deals', update: 3, create: 2 });
    const all = await walk(sim, 'deals', '/deals');
    expect(all).toHaveLength(27);
    expect(ids(all.slice(-5)).sort()).toEqual([...change.updated, ...change.created].sort());
    const last = all.at(-1)!;
    expect(last['updated_at']).toBe(new Date(sim.clock.now() * 1000).toISOString().replace('.000', ''));
  });

  it('refuses a missing or wrong credential with the provider error body', async () => {
    const sim = await start();
    for (const token of [null, 'wrong']) {
      const res = await get(sim, '/people', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { status: 401, reason: 'unauthorized', message: expect.any(String) } });
    }
    expect((await get(sim, '/me')).status).toBe(200);
    expect((await get(sim, '/nowhere')).body.error.reason).toBe('not_found');
  });

  it('checks HTTP Basic filled from two fields', async () => {
    const basic: ManifestInput = {
      ...manifest,
      fields: [
        { key: 'email', label: 'Email' },
        { key: 'api_token', label: 'API token', type: 'password', secret: true },
      ],
      auth: { basic: { username: '{{fields.email}}', password: '{{fields.api_token}}' } },
    };
    const sim = await start({}, { manifest: basic, provider: { ...provider, fields: { email: 'ops@example.com' } } });
    const call = (user: string, password: string) =>
      fetch(`${sim.apiUrl}/tags`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
    expect((await call('ops@example.com', sim.token)).status).toBe(200);
    expect((await call('ops@example.com', 'wrong')).status).toBe(401);
    expect((await call('other@example.com', sim.token)).status).toBe(401);
    expect((await get(sim, '/tags')).status).toBe(401);
  });

  it('sends the provider rate-limit headers and refuses past the limit with 429 and Retry-After', async () => {
    const limited: SimulatorProvider = {
      ...provider,
      rateLimit: { limit: 3, windowSeconds: 120, reset: 'seconds', headers: { limit: 'x-acme-limit', remaining: 'x-acme-remaining', reset: 'x-acme-reset' } },
    };
    const headersOnly = await start({}, { provider: limited });
    for (let i = 0; i < 5; i++) expect((await get(headersOnly, '/tags')).status).toBe(200);

    const sim = await start({ enforceRateLimit: true }, { provider: limited });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get(sim, '/tags');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-acme-limit')).toBe('3');
      remaining.push(res.headers.get('x-acme-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await get(sim, '/tags');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('120');
    expect(refused.body.error.reason).toBe('rate_limited');
    // Time passes on the sandbox clock, not the wall clock: two changes later the window has started over.
    sim.clock.tick();
    sim.clock.tick();
    expect((await get(sim, '/tags')).status).toBe(200);
  });

  it('enforces a budget given in the options, with the default header names', async () => {
    const sim = await start({ rateLimit: { limit: 2, windowSeconds: 60 } });
    expect((await get(sim, '/tags')).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await get(sim, '/tags')).status).toBe(200);
    const refused = await get(sim, '/tags');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String(sim.clock.now() + 60));
  });

  it('injects faults in the provider shape', async () => {
    const sim = await start();
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 503 });
    await control(sim, 'faults', { kind: 'rate_limit', count: 1, retry_after: 7 });
    const failed = await get(sim, '/tags');
    expect(failed.status).toBe(503);
    expect(failed.body.error.reason).toBe('server_error');
    const limited = await get(sim, '/tags');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await get(sim, '/tags')).status).toBe(200);
    expect(sim.stats().by_status).toMatchObject({ '503': 1, '429': 1, '200': 1 });
  });

  it('refuses a tampered page cursor the way the provider does', async () => {
    const sim = await start();
    const { body } = await get(sim, '/deals');
    const cursor: string = body.page.next_cursor;
    const tampered = await get(sim, `/deals?after=${cursor.slice(0, -1)}A`);
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.reason).toBe('invalid_cursor');
    const foreign = await get(sim, `/comments-nowhere?after=${cursor}`);
    expect(foreign.status).toBe(404);
  });

  it('reads a POST body cursor, and makes every record pass the selector filter', async () => {
    const sim = await start({ records: 45 });
    const out: JsonRecord[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 10; n++) {
      const res: Response = await fetch(`${sim.apiUrl}/messages/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'all', ...(cursor ? { start_cursor: cursor } : {}), limit: 20 }),
      });
      const body = (await res.json()) as { results: JsonRecord[]; next_cursor: string | null; has_more: boolean };
      out.push(...body.results);
      cursor = body.next_cursor;
      expect(body.has_more).toBe(cursor !== null);
      if (!cursor) break;
    }
    expect(out).toHaveLength(45);
    expect(new Set(ids(out)).size).toBe(45);
    expect(out.every((r) => r['status'] === 'open')).toBe(true);
  });

  it('serves delta links: a URL to follow next time, with removed records marked', async () => {
    const sim = await start({ records: 70 });
    let url: string | undefined = '/drive/root/delta';
    let delta: string | undefined;
    const all: JsonRecord[] = [];
    while (url) {
      const { body }: { body: any } = await get(sim, url);
      all.push(...body.value);
      url = body['@odata.nextLink'];
      delta = body['@odata.deltaLink'];
      if (url) expect(delta).toBeUndefined();
    }
    expect(all).toHaveLength(70);
    expect(delta).toMatch(new RegExp(`^${sim.apiUrl}/drive/root/delta\\?deltatoken=`));
    const change = await control(sim, 'changes', { stream: 'files', update: 1, delete: 1 });
    const { body } = await get(sim, delta!);
    expect(body.value.map((r: JsonRecord) => [r['id'], 'removed' in r])).toEqual([
      [change.updated[0], false],
      [change.deleted[0], true],
    ]);
    expect(body['@odata.deltaLink']).not.toBe(delta);
  });

  it('serves the provider OAuth server and accepts the access tokens it issues', async () => {
    const oauth = new SandboxOAuth({ clientId: 'acme-app', clientSecret: 'acme-secret', paths: { authorize: '/oauth/authorize', token: '/oauth/token' } });
    const sim = await start({}, { provider: { ...provider, oauth } });
    expect(sim.oauth).toMatchObject({ client_id: 'acme-app', token_url: `${sim.url}/oauth/token` });
    expect(sim.connectConfig).toMatchObject({ base_url: sim.apiUrl });
    const authorize = new URL(sim.oauth!.authorization_url);
    const redirectUri = 'http://127.0.0.1:1/callback';
    for (const [k, v] of Object.entries({ client_id: 'acme-app', redirect_uri: redirectUri, response_type: 'code', state: 's' })) authorize.searchParams.set(k, v);
    const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
    const exchanged = await fetch(sim.oauth!.token_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri, client_id: 'acme-app', client_secret: 'acme-secret' }),
    });
    const { access_token } = (await exchanged.json()) as { access_token: string };
    expect((await get(sim, '/tags', { token: access_token })).status).toBe(200);
    expect((await get(sim, '/tags')).status).toBe(200);
    await fetch(`${sim.url}/_sandbox/oauth/expire`, { method: 'POST' });
    expect((await get(sim, '/tags', { token: access_token })).status).toBe(401);
  });

  it('reads form-encoded method calls and refuses the Slack way, 200 with ok: false', async () => {
    const sim = await createSimulator({
      manifest,
      streams: { tags: { requester: { method: 'POST', path: '/tags.list' }, records: { path: 'tags' }, paginator: { type: 'cursor', param: 'cursor', next: 'response_metadata.next_cursor' } } },
      provider: {
        name: 'slackish',
        envelope: () => ({ ok: true }),
        errorStatus: (status, code) => (code === 'rate_limited' ? 429 : 200),
        errorBody: (_status, code) => ({ ok: false, error: code === 'unauthorized' ? 'invalid_auth' : code }),
      },
      options: { port: 0, records: 33, seed: 2, token: 'xoxb-test' },
    });
    track(sim);
    const call = (form: Record<string, string>, token = sim.token) =>
      fetch(`${sim.apiUrl}/tags.list`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const seen: JsonRecord[] = [];
    let cursor = '';
    for (let n = 0; n < 10; n++) {
      const body = (await (await call({ limit: '10', ...(cursor ? { cursor } : {}) })).json()) as { ok: boolean; tags: JsonRecord[]; response_metadata: { next_cursor: string | null } };
      expect(body.ok).toBe(true);
      seen.push(...body.tags);
      cursor = body.response_metadata.next_cursor ?? '';
      if (!cursor) break;
    }
    expect(new Set(ids(seen)).size).toBe(33);
    const refused = await call({}, 'xoxb-wrong');
    expect(refused.status).toBe(200);
    expect(await refused.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });


  it('names the stream of a description mistake at start', async () => {
    await expect(
      createSimulator({ manifest, streams: { tags: { requester: { path: '/tags' }, paginator: { type: 'offset' } } as never }, provider, options: { port: 0, records: 1, seed: 1 } }),
    ).rejects.toThrow(/stream tags: paginator/);
  });
});
