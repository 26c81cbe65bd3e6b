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
import { github } from './index.js';
import { manifest } from './manifest.js';
import { createGithubSandbox, type GithubSandboxHandle } from './sandbox/index.js';
import { readIssues, readPullRequests, readRepositories } from './streams.js';

type Json = Record<string, unknown>;

function context(sandbox: GithubSandboxHandle, stream: string, mode: SyncMode, state: StreamState | null, config: Json = {}): StreamContext {
  return readerContext({ manifest, stream, mode, state, baseUrl: sandbox.url, token: sandbox.token, config });
}

const ids = (records: Json[]) => records.map((r) => r['id'] as number);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/** Every live item id the sandbox lists, straight from its API. */
async function liveIds(sandbox: GithubSandboxHandle, endpoint: 'issues' | 'pulls'): Promise<number[]> {
  const out: number[] = [];
  for (const repo of sandbox.info().repositories) {
    for (let page = 1; ; page++) {
      const res = await fetch(`${sandbox.url}/repos/${repo.full_name}/${endpoint}?state=all&per_page=100&page=${page}`, {
        headers: { authorization: `Bearer ${sandbox.token}` },
      });
      const items = (await res.json()) as Json[];
      out.push(...items.filter((i) => endpoint === 'pulls' || i['pull_request'] === undefined).map((i) => i['id'] as number));
      if (items.length < 100) break;
    }
  }
  return sorted(out);
}

async function control(sandbox: GithubSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

describe('github connector definition', () => {
  it('has a valid manifest whose streams all have readers', () => {
    const parsed = ManifestSchema.parse(github.manifest);
    expect(parsed.streams.map((s) => s.name).sort()).toEqual(Object.keys(github.streams).sort());
    expect(parsed.auth.headers).toEqual({ Authorization: 'Bearer {{fields.token}}' });
    expect(parsed.fields.find((f) => f.key === 'token')?.secret).toBe(true);
    expect(new RegExp(parsed.config_fields.find((f) => f.key === 'repositories')!.pattern!).test('a/b, c-d/e.f')).toBe(true);
    expect(github.sandbox).toBe(createGithubSandbox);
  });
});

describe('github streams against the sandbox', () => {
  let sandbox: GithubSandboxHandle;
  let repos: string[];
  beforeAll(async () => {
    // 2,500 issues and 625 pull requests over two repositories: 16 + 4 pages each.
    sandbox = await createGithubSandbox({ port: 0, records: 2500, seed: 5 });
    repos = sandbox.info().repositories.map((r) => r.full_name);
  });
  afterAll(() => sandbox.close());

  it('reads every repository, issue and pull request once, issues without pull requests', async () => {
    const repositories = await readAll(readRepositories, context(sandbox, 'repositories', 'full_refresh', null));
    expect(repositories.records.map((r) => r['full_name'])).toEqual([...repos].sort());
    expect(repositories.state).toEqual({});

    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect(issues.records).toHaveLength(2500);
    expect(sorted(ids(issues.records))).toEqual(await liveIds(sandbox, 'issues'));
    expect(issues.records.every((r) => r['pull_request'] === undefined)).toBe(true);
    expect(new Set(issues.records.map((r) => r['repository_full_name']))).toEqual(new Set(repos));
    expect(issues.state).not.toHaveProperty('pass');

    const pulls = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', null));
    expect(pulls.records).toHaveLength(625);
    expect(sorted(ids(pulls.records))).toEqual(await liveIds(sandbox, 'pulls'));
    expect(new Set(pulls.records.map((r) => r['repository_full_name']))).toEqual(new Set(repos));
  });

  it('reads exactly the changed items incrementally, then nothing', async () => {
    const issues0 = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    const pulls0 = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', null));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', issues0.state))).records).toEqual([]);
    expect((await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', pulls0.state))).records).toEqual([]);

    const issueChange = await control(sandbox, 'changes', { stream: 'issues', create: 3, update: 4, delete: 2 });
    const pullChange = await control(sandbox, 'changes', { stream: 'pull_requests', create: 2, update: 3, delete: 1 });

    const issues1 = await readAll(readIssues, context(sandbox, 'issues', 'incremental', issues0.state));
    expect(sorted(ids(issues1.records))).toEqual(sorted([...(issueChange['created'] as number[]), ...(issueChange['updated'] as number[])]));
    const pulls1 = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', pulls0.state));
    expect(sorted(ids(pulls1.records))).toEqual(sorted([...(pullChange['created'] as number[]), ...(pullChange['updated'] as number[])]));

    // The pull request changes touched their issue views too, which the issues stream leaves out.
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', issues1.state))).records).toEqual([]);
    expect((await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', pulls1.state))).records).toEqual([]);
  });

  it('resumes an interrupted issues pass from its checkpoint, re-reading at most one page', async () => {
    const first = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null), { stopAfterStates: 20 });
    expect(first.state).toHaveProperty('pass');
    const resumed = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', first.state));
    const firstIds = new Set(ids(first.records));
    const reread = ids(resumed.records).filter((id) => firstIds.has(id));
    expect(reread.length).toBeLessThanOrEqual(100);
    expect(sorted([...new Set([...firstIds, ...ids(resumed.records)])])).toEqual(await liveIds(sandbox, 'issues'));
  });

  it('resumes an interrupted pull requests pass from its saved next-page URL', async () => {
    const first = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', null), { stopAfterStates: 2 });
    expect((first.state?.['pass'] as Json)['next']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/pulls\?.*page=3/);
    const resumed = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', first.state));
    const firstIds = new Set(ids(first.records));
    expect(ids(resumed.records).filter((id) => firstIds.has(id)).length).toBeLessThanOrEqual(100);
    expect(sorted([...new Set([...firstIds, ...ids(resumed.records)])])).toEqual(await liveIds(sandbox, 'pulls'));
  });

  it('misses nothing when items change and vanish while a pass is interrupted', async () => {
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null), { stopAfterStates: 6 });
    const pulls = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', null), { stopAfterStates: 2 });
    await control(sandbox, 'changes', { stream: 'issues', update: 60, delete: 40, create: 5 });
    await control(sandbox, 'changes', { stream: 'pull_requests', update: 30, delete: 10, create: 5 });

    const issuesRest = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', issues.state));
    const issueIds = new Set([...ids(issues.records), ...ids(issuesRest.records)]);
    for (const id of await liveIds(sandbox, 'issues')) expect(issueIds.has(id)).toBe(true);

    const pullsRest = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', pulls.state));
    const pullIds = new Set([...ids(pulls.records), ...ids(pullsRest.records)]);
    for (const id of await liveIds(sandbox, 'pulls')) expect(pullIds.has(id)).toBe(true);
  });

  it('starts a full refresh over when the saved state holds no unfinished full pass', async () => {
    const done = await readAll(readIssues, context(sandbox, 'issues', 'incremental', null));
    const again = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', done.state));
    expect(sorted(ids(again.records))).toEqual(await liveIds(sandbox, 'issues'));
    // An interrupted incremental pass is not resumed by a full refresh either.
    const partial = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', null), { stopAfterStates: 1 });
    const full = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'full_refresh', partial.state));
    expect(sorted(ids(full.records))).toEqual(await liveIds(sandbox, 'pulls'));
  });

  it('starts every repository from a hand-set cursor', async () => {
    const all = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    const times = all.records.map((r) => r['updated_at'] as string).sort();
    const cursor = times[times.length - 50]!;
    const expected = all.records.filter((r) => (r['updated_at'] as string) >= cursor);
    const since = await readAll(readIssues, context(sandbox, 'issues', 'incremental', { cursor }));
    expect(sorted(ids(since.records))).toEqual(sorted(ids(expected)));
    const pulls = await readAll(readPullRequests, context(sandbox, 'pull_requests', 'incremental', { cursor: '2100-01-01T00:00:00Z' }));
    expect(pulls.records).toEqual([]);
  });

  it('steps through an instant that holds more changed issues than a page by page number', async () => {
    const base = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    // One batch shares one updated_at: about 150 a repository, more than a page of 100.
    const change = await control(sandbox, 'changes', { stream: 'issues', update: 300 });
    const cut = await readAll(readIssues, context(sandbox, 'issues', 'incremental', base.state), { stopAfterStates: 2 });
    const position = Object.values(cut.state?.['repos'] as Record<string, Json>).find((repo) => repo['page'] !== undefined);
    expect(position).toMatchObject({ cursor: change['updated_at'], page: 2 });
    const rest = await readAll(readIssues, context(sandbox, 'issues', 'incremental', cut.state));
    expect(sorted([...new Set([...ids(cut.records), ...ids(rest.records)])])).toEqual(sorted(change['updated'] as number[]));
    expect(Object.values(rest.state?.['repos'] as Record<string, Json>).every((repo) => repo['page'] === undefined)).toBe(true);
  });

  it('resumes from a state the hand-written issues reader saved, between runs and mid-pass', async () => {
    // That reader kept `{ since, seen: [numbers], page? }` per repository and an informational top-level cursor.
    const toOld = (state: StreamState): StreamState => {
      const repos = Object.fromEntries(
        Object.entries(state['repos'] as Record<string, Json>).map(([name, repo]) => [
          name,
          { since: repo['cursor'] ?? null, seen: ((repo['seen'] as string[] | undefined) ?? []).map(Number), ...(repo['page'] === undefined ? {} : { page: repo['page'] }) },
        ]),
      );
      const since = Object.values(repos).map((repo) => repo.since).filter((s): s is string => typeof s === 'string').sort();
      return { ...state, repos, cursor: since.at(-1) ?? null };
    };
    const done = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', toOld(done.state!)))).records).toEqual([]);
    const change = await control(sandbox, 'changes', { stream: 'issues', create: 2, update: 3 });
    const next = await readAll(readIssues, context(sandbox, 'issues', 'incremental', toOld(done.state!)));
    expect(sorted(ids(next.records))).toEqual(sorted([...(change['created'] as number[]), ...(change['updated'] as number[])]));
    expect(next.state).not.toHaveProperty('cursor');
    expect(Object.values(next.state?.['repos'] as Record<string, Json>)[0]).toEqual({ cursor: change['updated_at'], seen: expect.any(Array) });

    const cut = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null), { stopAfterStates: 20 });
    expect(cut.state).toHaveProperty('pass');
    const resumed = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', toOld(cut.state!)));
    const firstIds = new Set(ids(cut.records));
    expect(ids(resumed.records).filter((id) => firstIds.has(id)).length).toBeLessThanOrEqual(100);
    expect(sorted([...new Set([...firstIds, ...ids(resumed.records)])])).toEqual(await liveIds(sandbox, 'issues'));
  });

  it('reads only the configured repositories', async () => {
    const config = { repositories: ` ${repos[1]!} ` };
    const repositories = await readAll(readRepositories, context(sandbox, 'repositories', 'full_refresh', null, config));
    expect(repositories.records.map((r) => r['full_name'])).toEqual([repos[1]]);
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, config));
    expect(new Set(issues.records.map((r) => r['repository_full_name']))).toEqual(new Set([repos[1]]));
    expect(Object.keys(issues.state?.['repos'] as Json)).toEqual([repos[1]]);
    await expect(readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, { repositories: 'not a repo' }))).rejects.toThrow(/owner\/name/);
  });

  it('rides through rate limits, server errors and truncated bodies', async () => {
    const expected = await liveIds(sandbox, 'issues');
    await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 0, after: 2 });
    await control(sandbox, 'faults', { kind: 'secondary_rate_limit', retry_after: 0, after: 1 });
    await control(sandbox, 'faults', { kind: 'server_error', count: 2, after: 1 });
    await control(sandbox, 'faults', { kind: 'truncate', after: 3 });
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect(sorted([...new Set(ids(issues.records))])).toEqual(expected);
    const faults = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as Json;
    expect(faults['pending']).toEqual([]);
  });

  it('fails with a config error on a wrong token', async () => {
    const ctx = context(sandbox, 'issues', 'full_refresh', null);
    ctx.http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: 'Bearer ghp_wrong' }, retry: { baseDelayMs: 1 } });
    const error = await readAll(readIssues, ctx).catch((e: unknown) => e);
    expect(isHttpError(error) && error.kind === 'config' && error.status === 401).toBe(true);
  });
});
