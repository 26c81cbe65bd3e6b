import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpClient,
  isAppError,
  isHttpError,
  ManifestSchema,
  type StreamContext,
  type StreamState,
  type SyncMode,
} from '../kit/index.js';
import { readAll, readerContext } from '../kit/sandbox/index.js';
import { afterAuthorization } from './after-authorization.js';
import { jira } from './index.js';
import { cursorMinute, issuesJql } from './jql.js';
import { manifest } from './manifest.js';
import { createJiraSandbox, type JiraSandboxHandle } from './sandbox/index.js';
import { readIssues, readProjects } from './streams.js';
import { instantOfWallClock, jiraTimestamp, wallClockAt } from './time-zone.js';

type Json = Record<string, unknown>;

function basic(sandbox: JiraSandboxHandle): string {
  return `Basic ${Buffer.from(`${sandbox.email}:${sandbox.token}`).toString('base64')}`;
}

/**
 * An API token goes as Basic auth with the user's email, to the site the config's `base_url` names; a config
 * without one leaves the manifest's placeholder host, as it would a connection.
 */
function context(
  sandbox: JiraSandboxHandle,
  stream: string,
  mode: SyncMode,
  state: StreamState | null,
  config: Json = { base_url: sandbox.url },
  authorization = basic(sandbox),
): StreamContext {
  const baseUrl = typeof config['base_url'] === 'string' ? config['base_url'] : undefined;
  return readerContext({ manifest, stream, mode, state, baseUrl, token: sandbox.token, authorization, config });
}

const ids = (records: Json[]) => records.map((r) => String(r['id']));
const sorted = (values: string[]) => [...values].sort((a, b) => Number(a) - Number(b));

/** Every live issue id, straight from the sandbox's search (ids only: 5,000 a page). */
async function liveIds(sandbox: JiraSandboxHandle): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const body = { jql: 'updated >= "1970-01-01" ORDER BY updated ASC', maxResults: 5000, ...(token ? { nextPageToken: token } : {}) };
    const res = await fetch(`${sandbox.url}/rest/api/3/search/jql`, { method: 'POST', headers: { authorization: basic(sandbox), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const page = (await res.json()) as { issues: Json[]; nextPageToken?: string };
    out.push(...ids(page.issues));
    token = page.nextPageToken;
  } while (token);
  return sorted(out);
}

async function control(sandbox: JiraSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

describe('jira connector definition', () => {
  it('has a valid manifest: both auth modes, streams with readers, the OAuth site lookup', () => {
    const parsed = ManifestSchema.parse(jira.manifest);
    expect(parsed.streams.map((s) => s.name).sort()).toEqual(Object.keys(jira.streams).sort());
    expect(parsed.auth.basic).toEqual({ username: '{{fields.email}}', password: '{{fields.api_token}}' });
    expect(parsed.oauth?.auth_headers).toEqual({ Authorization: 'Bearer {{fields.access_token}}' });
    expect(parsed.oauth?.authorize_params).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
    expect(parsed.oauth?.scopes).toEqual(['read:jira-work', 'read:jira-user', 'offline_access']);
    expect(parsed.fields.find((f) => f.key === 'api_token')?.secret).toBe(true);
    expect(new RegExp(parsed.config_fields.find((f) => f.key === 'projects')!.pattern!).test('PLAT, web_2')).toBe(true);
    expect(jira.afterAuthorization).toBe(afterAuthorization);
  });
});

describe('jira time zones and JQL', () => {
  it('round-trips wall clocks, resolving repeated times to the earlier instant and skipped ones forward', () => {
    const at = Date.UTC(2024, 6, 1, 12, 34, 56, 789);
    for (const zone of ['Australia/Sydney', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      expect(instantOfWallClock(wallClockAt(at, zone), zone)).toBe(at - 789);
    }
    // New York, 2024-11-03 01:30 happens twice: EDT (05:30Z) first.
    expect(instantOfWallClock({ year: 2024, month: 11, day: 3, hour: 1, minute: 30, second: 0 }, 'America/New_York')).toBe(Date.UTC(2024, 10, 3, 5, 30));
    // 2024-03-10 02:30 never happens there: it moves forward by the hour-long gap, to 03:30 EDT (07:30Z).
    expect(instantOfWallClock({ year: 2024, month: 3, day: 10, hour: 2, minute: 30, second: 0 }, 'America/New_York')).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(jiraTimestamp(Date.UTC(2024, 0, 19, 10, 27, 39, 123), 'Asia/Kolkata')).toBe('2024-01-19T15:57:39.123+0530');
    expect(Date.parse(jiraTimestamp(at, 'America/Los_Angeles'))).toBe(at);
  });

  it('writes the cursor minute in the user zone, and without one a minute no zone reads as later than the cursor', () => {
    const cursor = Date.UTC(2024, 4, 1, 23, 59, 30);
    expect(cursorMinute(cursor, 'Australia/Sydney')).toBe('2024-05-02 09:59');
    const lagging = cursorMinute(cursor, null);
    for (const zone of ['Pacific/Kiritimati', 'Etc/GMT+12', 'UTC', 'Asia/Kathmandu']) {
      const [date, time] = lagging.split(' ');
      const [year, month, day] = date!.split('-').map(Number);
      const [hour, minute] = time!.split(':').map(Number);
      expect(instantOfWallClock({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: 0 }, zone)).toBeLessThanOrEqual(cursor);
    }
    expect(issuesJql(['PLAT', 'WEB'], '2024-05-02 09:59')).toBe('project in ("PLAT", "WEB") AND updated >= "2024-05-02 09:59" ORDER BY updated ASC, key ASC');
    expect(issuesJql(null, null)).toBe('updated >= "1970-01-01 00:00" ORDER BY updated ASC, key ASC');
  });
});

describe('jira streams against the sandbox', () => {
  let sandbox: JiraSandboxHandle;
  beforeAll(async () => {
    // 1,200 issues over two projects: 12 pages of 100.
    sandbox = await createJiraSandbox({ port: 0, records: 1200, seed: 5 });
  });
  afterAll(() => sandbox.close());

  it('reads every project and every issue once, in Jira shapes', async () => {
    const projects = await readAll(readProjects, context(sandbox, 'projects', 'full_refresh', null));
    expect(projects.records.map((p) => p['key'])).toEqual(sandbox.info().projects.map((p) => p.key).sort());
    expect(projects.records[0]).toHaveProperty('lead.accountId');
    expect(projects.state).toEqual({});

    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect(issues.records).toHaveLength(1200);
    expect(sorted(ids(issues.records))).toEqual(await liveIds(sandbox));
    expect((issues.records[0]!['fields'] as Json)['updated']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
    expect(issues.records[0]!['fields']).not.toHaveProperty('comment');
    expect(issues.state?.['cursor']).toBe(new Date(Math.max(...issues.records.map((r) => Date.parse((r['fields'] as Json)['updated'] as string)))).toISOString());
  });

  it('resumes an unfinished projects walk from its saved startAt', async () => {
    const keys = sandbox.info().projects.map((p) => p.key).sort();
    const rest = await readAll(readProjects, context(sandbox, 'projects', 'full_refresh', { startAt: 1 }));
    expect(rest.records.map((p) => p['key'])).toEqual(keys.slice(1));
    expect(rest.state).toEqual({});
  });

  it('reads exactly the changed issues incrementally, then nothing', async () => {
    const base = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', base.state))).records).toEqual([]);
    const change = await control(sandbox, 'changes', { stream: 'issues', create: 3, update: 5, delete: 2 });
    const next = await readAll(readIssues, context(sandbox, 'issues', 'incremental', base.state));
    expect(sorted(ids(next.records))).toEqual(sorted([...(change['created'] as string[]), ...(change['updated'] as string[])]));
    expect(next.state?.['cursor']).toBe(change['updated_at']);
    expect(sorted(next.state?.['seen'] as string[])).toEqual(sorted(ids(next.records)));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', next.state))).records).toEqual([]);
    // A second batch in the same minute as the first still comes through, and only it.
    const again = await control(sandbox, 'changes', { stream: 'issues', update: 2 });
    const last = await readAll(readIssues, context(sandbox, 'issues', 'incremental', next.state));
    expect(sorted(ids(last.records))).toEqual(sorted(again['updated'] as string[]));
  });

  it('walks a minute holding more than a page of issues by its tokens, missing and repeating nothing', async () => {
    const base = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    const change = await control(sandbox, 'changes', { stream: 'issues', create: 150, update: 120 });
    const next = await readAll(readIssues, context(sandbox, 'issues', 'incremental', base.state));
    expect(next.records).toHaveLength(270);
    expect(sorted(ids(next.records))).toEqual(sorted([...(change['created'] as string[]), ...(change['updated'] as string[])]));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', next.state))).records).toEqual([]);
  });

  it('resumes an interrupted pass from its checkpoint, re-reading nothing already read', async () => {
    const first = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null), { stopAfterStates: 4 });
    const resumed = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', first.state));
    const firstIds = new Set(ids(first.records));
    expect(ids(resumed.records).filter((id) => firstIds.has(id))).toEqual([]);
    expect(sorted([...firstIds, ...ids(resumed.records)])).toEqual(await liveIds(sandbox));
  });

  it('misses nothing when issues change and vanish while a pass is interrupted', async () => {
    const partial = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null), { stopAfterStates: 5 });
    await control(sandbox, 'changes', { stream: 'issues', update: 60, delete: 40, create: 5 });
    const rest = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', partial.state));
    const seen = new Set([...ids(partial.records), ...ids(rest.records)]);
    for (const id of await liveIds(sandbox)) expect(seen.has(id)).toBe(true);
  });

  it('starts from a hand-set cursor, and a future one reads nothing', async () => {
    const all = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    const times = all.records.map((r) => Date.parse((r['fields'] as Json)['updated'] as string)).sort((a, b) => a - b);
    const cursor = new Date(times[times.length - 30]!).toISOString();
    const expected = all.records.filter((r) => Date.parse((r['fields'] as Json)['updated'] as string) >= Date.parse(cursor));
    const since = await readAll(readIssues, context(sandbox, 'issues', 'incremental', { cursor }));
    expect(sorted(ids(since.records))).toEqual(sorted(ids(expected)));
    expect((await readAll(readIssues, context(sandbox, 'issues', 'incremental', { cursor: '2999-01-01T00:00:00Z' }))).records).toEqual([]);
  });

  it('reads only the configured projects', async () => {
    const key = sandbox.info().projects[1]!.key;
    const config = { base_url: sandbox.url, projects: ` ${key.toLowerCase()} ` };
    const projects = await readAll(readProjects, context(sandbox, 'projects', 'full_refresh', null, config));
    expect(projects.records.map((p) => p['key'])).toEqual([key]);
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, config));
    expect(issues.records.length).toBe(sandbox.info().projects[1]!.issues);
    expect(new Set(issues.records.map((r) => ((r['fields'] as Json)['project'] as Json)['key']))).toEqual(new Set([key]));
    await expect(readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, { ...config, projects: 'NOPE' }))).rejects.toThrow(/does not exist for the field 'project'/);
  });

  it('insists on a site URL with an API token', async () => {
    const error = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, {})).catch((e: unknown) => e);
    expect(isAppError(error) && error.field === 'config.base_url').toBe(true);
  });

  it('rides through rate limits, server errors and truncated bodies', async () => {
    const expected = await liveIds(sandbox);
    await control(sandbox, 'faults', { kind: 'rate_limit', retry_after: 0, after: 2 });
    await control(sandbox, 'faults', { kind: 'server_error', count: 2, after: 1 });
    await control(sandbox, 'faults', { kind: 'truncate', after: 3 });
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null));
    expect(sorted([...new Set(ids(issues.records))])).toEqual(expected);
    const faults = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as Json;
    expect(faults['pending']).toEqual([]);
  });

  it('fails with a config error and Jira\'s words on a wrong API token', async () => {
    const ctx = context(sandbox, 'issues', 'full_refresh', null, { base_url: sandbox.url }, `Basic ${Buffer.from(`${sandbox.email}:wrong-token`).toString('base64')}`);
    const error = await readAll(readIssues, ctx).catch((e: unknown) => e);
    expect(isHttpError(error) && error.kind === 'config' && error.status === 401).toBe(true);
    expect(String(error)).toMatch(/Basic authentication with passwords is deprecated/);
  });

  it('after OAuth, finds the cloud id and reads through the api.atlassian.com gateway with a bearer token', async () => {
    const http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: `Bearer ${sandbox.token}` } });
    const found = await afterAuthorization({ http, callback: new URLSearchParams(), config: { base_url: sandbox.url } });
    expect(found).toEqual({ cloud_id: sandbox.cloudId, site_url: sandbox.info().site_url, base_url: `${sandbox.url}/ex/jira/${sandbox.cloudId}` });
    // Re-authorizing a connection already on the gateway looks the site up on the gateway again.
    expect(await afterAuthorization({ http, callback: new URLSearchParams(), config: { base_url: found['base_url'] } })).toEqual(found);
    await expect(afterAuthorization({ http, callback: new URLSearchParams(), config: { base_url: sandbox.url, site_url: 'https://other.atlassian.net' } })).rejects.toThrow(/does not reach/);
    await expect(afterAuthorization({ http, callback: new URLSearchParams(), config: { base_url: 'https://x.atlassian.net' } })).rejects.toThrow(/leave config.base_url empty/);

    const config = { ...found };
    const issues = await readAll(readIssues, context(sandbox, 'issues', 'full_refresh', null, config, `Bearer ${sandbox.token}`));
    expect(sorted(ids(issues.records))).toEqual(await liveIds(sandbox));
    expect(String(issues.records[0]!['self'])).toContain(`/ex/jira/${sandbox.cloudId}/rest/api/3/issue/`);
  });
});
