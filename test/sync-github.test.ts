import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import type { ApiResponse, RecordList } from './support/api-types.js';

const TOKEN = 'ghp_e2e_secret_token_value_0123456789';

describe.each(databaseKinds)('GitHub sync end to end on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 2500, seed: 7, token: TOKEN });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
    const created = await rt.inject({
      method: 'POST',
      url: '/api/v1/connections',
      key,
      body: { connector: 'github', name: 'sandbox', fields: { token: TOKEN }, config: { base_url: sandbox.url } },
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const startRun = async (body: object = {}) => {
    const res = await rt.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/runs`, key, body });
    expect(res.status).toBe(202);
    return res.body;
  };
  const streamCounts = (run: { streams: { stream: string }[] }, name: string) => run.streams.find((s) => s.stream === name)!;

  it('syncs every record of every stream, and reads them all back through the API', async () => {
    const info = sandbox.info();
    const started = await startRun({ full_refresh: true });
    expect(started.existing).toBe(false);
    expect(['PENDING', 'RUNNING']).toContain(started.run.status);
    const run = await waitForRun(rt, key, started.run.id);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    expect(streamCounts(run, 'issues')).toMatchObject({ status: 'COMPLETED', created: info.counts.issues, updated: 0, failed: 0 });
    expect(streamCounts(run, 'pull_requests')).toMatchObject({ created: info.counts.pull_requests });
    expect(streamCounts(run, 'repositories')).toMatchObject({ created: info.counts.repositories });

    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: ApiResponse<RecordList> = await rt.inject<RecordList>({ method: 'GET', url: `/api/v1/connections/${connectionId}/records/issues?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, key });
      expect(page.status).toBe(200);
      for (const row of page.body.data) {
        expect(ids.has(row.id)).toBe(false);
        ids.add(row.id);
        expect(row.data.pull_request).toBeUndefined();
        expect(row.deleted_at).toBeNull();
      }
      cursor = page.body.has_more ? page.body.next_cursor : null;
    } while (cursor);
    expect(ids.size).toBe(info.counts.issues);

    const connection = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key });
    expect(connection.body).toMatchObject({ status: 'connected', last_sync_status: 'COMPLETED', last_sync_error: null });
    expect(connection.body.latest_run.id).toBe(run.id);

    const logs = await rt.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/logs`, key });
    expect(logs.body.data.map((l: { message: string }) => l.message)).toEqual(expect.arrayContaining(['Run started', 'Run completed']));
  });

  it('a second full refresh changes nothing', async () => {
    const run = await waitForRun(rt, key, (await startRun({ full_refresh: true })).run.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.totals).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(run.totals.unchanged).toBeGreaterThan(0);
  });

  it('an incremental run after changes writes exactly those; a full refresh then soft-deletes the removed', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: 'issues', create: 5, update: 25, delete: 3 }),
    });
    expect(res.status).toBe(200);
    const incremental = await waitForRun(rt, key, (await startRun({ streams: ['issues'] })).run.id);
    expect(incremental.status).toBe('COMPLETED');
    expect(incremental.mode).toBe('incremental');
    expect(streamCounts(incremental, 'issues')).toMatchObject({ created: 5, updated: 25, deleted: 0 });

    const full = await waitForRun(rt, key, (await startRun({ streams: ['issues'], full_refresh: true })).run.id);
    expect(streamCounts(full, 'issues')).toMatchObject({ created: 0, updated: 0, deleted: 3 });
    const withDeleted = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/records/issues?limit=1000&include_deleted=true`, key });
    expect(withDeleted.body.data.length).toBeGreaterThan(0);
  });

  it('returns the active run instead of starting a second one', async () => {
    const first = await startRun({ full_refresh: true });
    const second = await startRun({ full_refresh: true });
    expect(second.existing).toBe(true);
    expect(second.run.id).toBe(first.run.id);
    expect(second.message).toMatch(/already/);
    await waitForRun(rt, key, first.run.id);
  });

  it('fails cleanly with a bad token saved unverified: the run is FAILED with the provider message, the connection pending with it', async () => {
    const bad = await rt.inject({
      method: 'POST',
      url: '/api/v1/connections',
      key,
      body: { connector: 'github', fields: { token: 'ghp_wrong_token_000000' }, config: { base_url: sandbox.url }, verify: false },
    });
    expect(bad.body.status).toBe('pending');
    const run = await waitForRun(rt, key, (await rt.inject({ method: 'POST', url: `/api/v1/connections/${bad.body.id}/runs`, key, body: {} })).body.run.id);
    expect(run.status).toBe('FAILED');
    expect(run.error_kind).toBe('config');
    expect(run.error).toMatch(/Bad credentials/);
    const connection = await rt.inject({ method: 'GET', url: `/api/v1/connections/${bad.body.id}`, key });
    expect(connection.body.status).toBe('pending');
    expect(connection.body.last_sync_error).toMatch(/Bad credentials/);
  });

  it('never lets the token reach a response or a log line', async () => {
    const everything = rt.logLines.join('\n');
    expect(everything).not.toContain(TOKEN);
    const runs = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/runs?limit=100`, key });
    expect(runs.raw).not.toContain(TOKEN);
  });
});
