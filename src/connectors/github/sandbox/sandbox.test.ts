import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, DEFAULT_GITHUB_SANDBOX_TOKEN, type GithubSandboxHandle } from './index.js';

type Json = Record<string, unknown>;

async function call(sandbox: GithubSandboxHandle, path: string, init: { token?: string | null; method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? sandbox.token : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
    if (match) out[match[2]!] = match[1]!;
  }
  return out;
}

/** Follows `rel="next"` from `path` and returns every item. */
async function readAll(sandbox: GithubSandboxHandle, path: string): Promise<Json[]> {
  const items: Json[] = [];
  let url: string | undefined = path;
  while (url) {
    const res = await call(sandbox, url);
    expect(res.status).toBe(200);
    items.push(...(res.body as Json[]));
    url = links(res.headers.get('link'))['next'];
  }
  return items;
}

describe('github sandbox', () => {
  let sandbox: GithubSandboxHandle;
  let repo: string;
  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 250, seed: 11 });
    repo = sandbox.info().repositories[0]!.full_name;
  });
  afterAll(() => sandbox.close());

  describe('authentication', () => {
    it('answers a wrong token with GitHub\'s "Bad credentials" body', async () => {
      const res = await call(sandbox, '/user', { token: 'ghp_wrong' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    });

    it('answers a missing token with "Requires authentication"', async () => {
      const res = await call(sandbox, '/user/repos', { token: null });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
    });

    it('accepts both `Bearer` and `token` schemes, and the printed default token', async () => {
      expect(sandbox.token).toBe(DEFAULT_GITHUB_SANDBOX_TOKEN);
      const res = await fetch(`${sandbox.url}/user`, { headers: { authorization: `token ${sandbox.token}` } });
      expect(res.status).toBe(200);
      const user = (await res.json()) as Json;
      expect(user['login']).toBe(sandbox.info().owner);
      expect((await call(sandbox, '/user')).status).toBe(200);
    });
  });

  it('sends GitHub headers on every response, the rate-limit budget counting down', async () => {
    const first = await call(sandbox, '/user');
    const second = await call(sandbox, '/nope');
    expect(second.status).toBe(404);
    expect(second.body).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    for (const res of [first, second]) {
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
      expect(res.headers.get('x-ratelimit-resource')).toBe('core');
      expect(res.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{1,4}:[0-9A-F]{1,4}:[0-9A-F]{1,6}:[0-9A-F]{1,6}:[0-9A-F]{1,8}$/);
      const reset = Number(res.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 3600);
    }
    expect(Number(second.headers.get('x-ratelimit-used'))).toBe(Number(first.headers.get('x-ratelimit-used')) + 1);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(Number(first.headers.get('x-ratelimit-remaining')) - 1);
    expect(first.headers.get('x-github-request-id')).not.toBe(second.headers.get('x-github-request-id'));
  });

  it('lists repositories and serves each by name and by id, case-insensitively', async () => {
    const repos = (await call(sandbox, '/user/repos')).body as Json[];
    expect(repos.map((r) => r['full_name'])).toEqual([repo]);
    const byName = await call(sandbox, `/repos/${repo.toUpperCase()}`);
    expect(byName.status).toBe(200);
    // The single-repository endpoint answers the full-repository shape: the list's fields and two counts.
    expect(byName.body).toEqual({ ...repos[0], network_count: 0, subscribers_count: 2 });
    expect((await call(sandbox, `/repositories/${repos[0]!['id'] as number}`)).body).toEqual(byName.body);
    expect((await call(sandbox, `/repos/${repo}-missing`)).status).toBe(404);
    expect((await call(sandbox, `/repos/${repo}/issues`, { method: 'POST' })).status).toBe(404);
  });

  it('paginates with GitHub Link headers: every item once, no skip, no repeat', async () => {
    const info = sandbox.info();
    const expected = info.counts.issues + info.counts.pull_requests; // 250 + 62
    const first = await call(sandbox, `/repos/${repo}/issues?state=all&per_page=50`);
    const firstLinks = first.headers.get('link')!;
    expect(firstLinks).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/issues\?state=all&per_page=50&page=2>; rel="next", <[^>]+page=7>; rel="last"$/);
    const middle = await call(sandbox, links(firstLinks)['next']!);
    expect(Object.keys(links(middle.headers.get('link')))).toEqual(['prev', 'next', 'last', 'first']);
    const last = await call(sandbox, links(firstLinks)['last']!);
    expect(Object.keys(links(last.headers.get('link')))).toEqual(['prev', 'first']);
    expect((last.body as Json[]).length).toBe(expected - 6 * 50);

    const items = await readAll(sandbox, `/repos/${repo}/issues?state=all&per_page=50`);
    expect(items).toHaveLength(expected);
    expect(new Set(items.map((i) => i['id'])).size).toBe(expected);
    // Default order: created, newest first; numbers are contiguous.
    expect(items.map((i) => i['number'])).toEqual(Array.from({ length: expected }, (_, i) => expected - i));
    const beyond = await call(sandbox, `/repos/${repo}/issues?state=all&per_page=50&page=99`);
    expect(beyond.body).toEqual([]);
  });

  it('omits Link when one page holds everything; per_page defaults to 30 and caps at 100', async () => {
    const one = await call(sandbox, `/repos/${repo}/pulls?state=all&per_page=100`);
    expect(one.headers.get('link')).toBeNull();
    expect((one.body as Json[]).length).toBe(62);
    expect(((await call(sandbox, `/repos/${repo}/issues?state=all`)).body as Json[]).length).toBe(30);
    expect(((await call(sandbox, `/repos/${repo}/issues?state=all&per_page=1000`)).body as Json[]).length).toBe(100);
  });

  it('orders by updated either way, ties broken by id, and filters with an inclusive `since`', async () => {
    const asc = await readAll(sandbox, `/repos/${repo}/issues?state=all&sort=updated&direction=asc&per_page=100`);
    const times = asc.map((i) => Date.parse(i['updated_at'] as string));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const pivot = asc[200]!;
    const since = await readAll(
      sandbox,
      `/repos/${repo}/issues?state=all&sort=updated&direction=asc&per_page=100&since=${pivot['updated_at'] as string}`,
    );
    expect(since.map((i) => i['id'])).toEqual(asc.slice(200).map((i) => i['id']));
    const desc = await readAll(sandbox, `/repos/${repo}/issues?state=all&sort=updated&direction=desc&per_page=100`);
    expect(desc.map((i) => i['id'])).toEqual([...asc].reverse().map((i) => i['id']));
    expect((await call(sandbox, `/repos/${repo}/issues?since=last-tuesday`)).status).toBe(422);
  });

  it('filters by state (open by default), labels and creator; pulls list only pull requests', async () => {
    const all = await readAll(sandbox, `/repos/${repo}/issues?state=all&per_page=100`);
    const open = await readAll(sandbox, `/repos/${repo}/issues?per_page=100`);
    const closed = await readAll(sandbox, `/repos/${repo}/issues?state=closed&per_page=100`);
    expect(open.every((i) => i['state'] === 'open')).toBe(true);
    expect(closed.every((i) => i['state'] === 'closed' && typeof i['closed_at'] === 'string')).toBe(true);
    expect(open.length + closed.length).toBe(all.length);
    expect(open.length).toBeGreaterThan(0);
    expect(closed.length).toBeGreaterThan(0);

    const bugs = await readAll(sandbox, `/repos/${repo}/issues?state=all&labels=bug&per_page=100`);
    expect(bugs.length).toBe(all.filter((i) => (i['labels'] as Json[]).some((l) => l['name'] === 'bug')).length);
    const author = (all[0]!['user'] as Json)['login'] as string;
    const byAuthor = await readAll(sandbox, `/repos/${repo}/issues?state=all&creator=${author}&per_page=100`);
    expect(byAuthor.length).toBe(all.filter((i) => (i['user'] as Json)['login'] === author).length);

    const pulls = await readAll(sandbox, `/repos/${repo}/pulls?state=all&per_page=100`);
    expect(pulls).toHaveLength(sandbox.info().counts.pull_requests);
    const pullNumbers = new Set(all.filter((i) => i['pull_request'] !== undefined).map((i) => i['number']));
    expect(new Set(pulls.map((p) => p['number']))).toEqual(pullNumbers);
    expect(pulls.every((p) => typeof (p['head'] as Json)['sha'] === 'string')).toBe(true);
    const openPulls = await readAll(sandbox, `/repos/${repo}/pulls?per_page=100`);
    expect(openPulls.every((p) => p['state'] === 'open')).toBe(true);
  });

  it('serves single issues and pull requests by number', async () => {
    const issue = await call(sandbox, `/repos/${repo}/issues/1`);
    expect(issue.status).toBe(200);
    expect((issue.body as Json)['number']).toBe(1);
    expect((await call(sandbox, `/repos/${repo}/pulls/1`)).status).toBe(404);
    const pull = await call(sandbox, `/repos/${repo}/pulls/5`);
    expect((pull.body as Json)['number']).toBe(5);
    expect((await call(sandbox, `/repos/${repo}/issues/5`)).body).toHaveProperty('pull_request');
  });
});

describe('github sandbox faults', () => {
  let sandbox: GithubSandboxHandle;
  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 20, seed: 3 });
  });
  afterEach(async () => {
    await call(sandbox, '/_sandbox/faults', { method: 'DELETE' });
  });
  afterAll(() => sandbox.close());

  const fault = (body: Json) => call(sandbox, '/_sandbox/faults', { method: 'POST', body });

  it('rate_limit: 429 with retry-after and an empty budget', async () => {
    expect((await fault({ kind: 'rate_limit', retry_after: 7 })).status).toBe(201);
    const res = await call(sandbox, '/user');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 6);
    expect((res.body as Json)['message']).toMatch(/^API rate limit exceeded for user ID \d+\.$/);
    expect((await call(sandbox, '/user')).status).toBe(200);
  });

  it('secondary_rate_limit: 403 with retry-after and GitHub\'s message', async () => {
    await fault({ kind: 'secondary_rate_limit', count: 2, retry_after: 60 });
    for (let i = 0; i < 2; i++) {
      const res = await call(sandbox, '/user/repos');
      expect(res.status).toBe(403);
      expect(res.headers.get('retry-after')).toBe('60');
      expect((res.body as Json)['message']).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\./);
      expect((res.body as Json)['message']).toContain(res.headers.get('x-github-request-id'));
    }
    expect((await call(sandbox, '/user/repos')).status).toBe(200);
  });

  it('server_error: 500 then 502 (or the status asked for), after `after` good requests', async () => {
    await fault({ kind: 'server_error', count: 2, after: 1 });
    await fault({ kind: 'server_error', status: 503 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(sandbox, '/user')).status);
    expect(statuses).toEqual([200, 500, 502, 503, 200]);
  });

  it('slow: waits delay_ms before answering', async () => {
    await fault({ kind: 'slow', delay_ms: 300 });
    const started = Date.now();
    expect((await call(sandbox, '/user')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('truncate: cuts the body mid-JSON and drops the connection', async () => {
    await fault({ kind: 'truncate' });
    await expect(call(sandbox, '/user/repos')).rejects.toThrow();
    expect((await call(sandbox, '/user/repos')).status).toBe(200);
  });

  it('refuses unknown fault kinds and lists pending faults', async () => {
    expect((await fault({ kind: 'meteor' })).status).toBe(400);
    await fault({ kind: 'server_error', count: 3 });
    expect((await call(sandbox, '/_sandbox/faults')).body).toEqual({ pending: [{ kind: 'server_error', remaining: 3, after: 0 }] });
  });

  it('counts requests by path and status', async () => {
    await call(sandbox, '/_sandbox/stats', { method: 'DELETE' });
    await call(sandbox, '/user');
    await call(sandbox, '/user', { token: 'nope' });
    await fault({ kind: 'truncate' });
    await call(sandbox, '/user/repos').catch(() => undefined);
    const stats = (await call(sandbox, '/_sandbox/stats')).body as Json;
    expect(stats).toEqual({
      total: 3,
      by_status: { '200': 1, '401': 1, truncated: 1 },
      by_path: { '/user': { '200': 1, '401': 1 }, '/user/repos': { truncated: 1 } },
    });
    expect(sandbox.stats().total).toBe(3);
  });
});

describe('github sandbox changes', () => {
  let sandbox: GithubSandboxHandle;
  let repos: string[];
  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 2500, seed: 5 });
    repos = sandbox.info().repositories.map((r) => r.full_name);
  });
  afterAll(() => sandbox.close());

  const change = (body: Json) => call(sandbox, '/_sandbox/changes', { method: 'POST', body });

  it('updates, deletes and creates issues, with a clock always ahead of every updated_at', async () => {
    const before = sandbox.info();
    expect(before.counts).toEqual({ repositories: 2, issues: 2500, pull_requests: 625 });
    const seededLatest = Math.max(
      ...(await Promise.all(
        repos.map(async (r) => {
          const top = (await call(sandbox, `/repos/${r}/issues?state=all&sort=updated&direction=desc&per_page=1`)).body as Json[];
          return Date.parse(top[0]!['updated_at'] as string);
        }),
      )),
    );
    const res = await change({ stream: 'issues', create: 3, update: 4, delete: 2 });
    expect(res.status).toBe(200);
    const result = res.body as { updated_at: string; created: number[]; updated: number[]; deleted: number[] };
    expect([result.created.length, result.updated.length, result.deleted.length]).toEqual([3, 4, 2]);
    expect(Date.parse(result.updated_at)).toBeGreaterThan(seededLatest);
    expect(sandbox.info().counts).toEqual({ repositories: 2, issues: 2501, pull_requests: 625 });

    const changed = [];
    for (const r of repos) changed.push(...(await readAll(sandbox, `/repos/${r}/issues?state=all&since=${result.updated_at}&per_page=100`)));
    expect(changed.map((i) => i['id']).sort()).toEqual([...result.created, ...result.updated].sort());
    expect(changed.every((i) => i['updated_at'] === result.updated_at && i['pull_request'] === undefined)).toBe(true);
    const created = changed.filter((i) => result.created.includes(i['id'] as number));
    expect(created.every((i) => i['state'] === 'open' && i['created_at'] === result.updated_at)).toBe(true);

    const everything = [];
    for (const r of repos) everything.push(...(await readAll(sandbox, `/repos/${r}/issues?state=all&per_page=100`)));
    const ids = new Set(everything.map((i) => i['id']));
    expect(result.deleted.some((id) => ids.has(id))).toBe(false);
    expect(everything).toHaveLength(2501 + 625);
    expect((sandbox.info().clock)).toBe(result.updated_at);

    const again = (await change({ stream: 'issues', update: 1 })).body as { updated_at: string };
    expect(Date.parse(again.updated_at)).toBeGreaterThan(Date.parse(result.updated_at));
  });

  it('changes pull requests, visible on both endpoints', async () => {
    const result = (await change({ stream: 'pull_requests', create: 1, update: 2 })).body as { updated_at: string; created: number[]; updated: number[] };
    const pulls = [];
    for (const r of repos) {
      const recent = await readAll(sandbox, `/repos/${r}/pulls?state=all&sort=updated&direction=desc&per_page=100`);
      pulls.push(...recent.filter((p) => p['updated_at'] === result.updated_at));
    }
    expect(pulls.map((p) => p['id']).sort()).toEqual([...result.created, ...result.updated].sort());
    const asIssues = [];
    for (const r of repos) asIssues.push(...(await readAll(sandbox, `/repos/${r}/issues?state=all&since=${result.updated_at}`)));
    expect(asIssues).toHaveLength(3);
    expect(asIssues.every((i) => i['pull_request'] !== undefined)).toBe(true);
  });

  it('refuses streams it cannot change', async () => {
    const res = await change({ stream: 'repositories', update: 1 });
    expect(res.status).toBe(400);
    expect((await change({ stream: 'issues', update: -1 })).status).toBe(400);
  });
});

describe('github sandbox determinism and scale', () => {
  it('serves the same data for the same seed, other data for another seed', async () => {
    const [a, b, c] = await Promise.all([
      createGithubSandbox({ port: 0, records: 300, seed: 21 }),
      createGithubSandbox({ port: 0, records: 300, seed: 21 }),
      createGithubSandbox({ port: 0, records: 300, seed: 22 }),
    ]);
    try {
      const snapshot = async (s: GithubSandboxHandle) => {
        const repo = s.info().repositories[0]!.full_name;
        const parts = [await call(s, '/user'), await call(s, '/user/repos'), await call(s, `/repos/${repo}/issues?state=all&per_page=100&page=2`), await call(s, `/repos/${repo}/pulls?state=all`)];
        return JSON.stringify(parts.map((p) => p.body)).replaceAll(s.url, 'ORIGIN');
      };
      await call(a, '/_sandbox/changes', { method: 'POST', body: { stream: 'issues', update: 5, create: 2, delete: 1 } });
      await call(b, '/_sandbox/changes', { method: 'POST', body: { stream: 'issues', update: 5, create: 2, delete: 1 } });
      const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
      expect(sa).toBe(sb);
      expect(sa).not.toBe(sc);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('starts a 1,000,000-record sandbox at once and serves page 5,000 without holding the data', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const sandbox = await createGithubSandbox({ port: 0, records: 1_000_000, seed: 99 });
    try {
      expect(performance.now() - started).toBeLessThan(500);
      const info = sandbox.info();
      expect(info.counts).toEqual({ repositories: 8, issues: 1_000_000, pull_requests: 250_000 });
      const repo = info.repositories[0]!;
      const t0 = performance.now();
      const res = await call(sandbox, `/repos/${repo.full_name}/issues?state=all&sort=created&direction=asc&page=5000`);
      expect(performance.now() - t0).toBeLessThan(1000);
      const items = res.body as Json[];
      expect(items.map((i) => i['number'])).toEqual(Array.from({ length: 30 }, (_, i) => 149_971 + i));
      const last = links(res.headers.get('link'))['last']!;
      expect(last).toContain(`page=${Math.ceil((repo.issues + repo.pull_requests) / 30)}`);
      const since = await call(sandbox, `/repos/${repo.full_name}/issues?state=all&sort=updated&direction=asc&per_page=100&since=${items[0]!['updated_at'] as string}`);
      expect((since.body as Json[])[0]!['id']).toBe(items[0]!['id']);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await sandbox.close();
    }
  });
});
