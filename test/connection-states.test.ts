import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import { insertRunUnlessActive } from '../src/db/queries/runs.js';
import { newId } from '../src/core/ids.js';
import { enqueueDueRuns } from '../src/services/runs/enqueue-due-runs.js';
import { databaseKinds } from './support/databases.js';
import { countsOf, eventually, install, startRun } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

/**
 * States that tell the truth (issue 12, item 8): an install is verified before it is saved, or saved `pending`;
 * a disconnect during a sync stops the run and ends `disconnected` for good; every stream of an ended run ends;
 * a hand-set cursor must be one the stream can resume from.
 */
const TOKEN = 'ghp_states_good_token_0123456789';
const WRONG = 'ghp_states_wrong_token_9876543210';

/** A deferred a test can wait on and release. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * A loopback proxy in front of the sandbox that can hold one request (the n-th matching one) until released:
 * a run is then mid-stream for as long as the test needs, without a sleep. It logs every request's path and query.
 */
class HoldingProxy {
  readonly requests: string[] = [];
  private hold: { match: RegExp; skip: number; reached: ReturnType<typeof latch>; release: ReturnType<typeof latch> } | null = null;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<HoldingProxy> {
    const upstream = new URL(target);
    let proxy!: HoldingProxy;
    const server = http.createServer((req, res) => {
      void proxy.forward(req, res, upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new HoldingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Holds the request after `skip` matching ones; `reached` resolves when it arrives, `release` lets it through. */
  holdAfter(match: RegExp, skip: number): { reached: Promise<void>; release: () => void } {
    const hold = { match, skip, reached: latch(), release: latch() };
    this.hold = hold;
    return { reached: hold.reached.promise, release: hold.release.open };
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse, upstream: URL): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push(path);
    const hold = this.hold;
    if (hold && hold.match.test(path)) {
      if (hold.skip === 0) {
        this.hold = null;
        hold.reached.open();
        await hold.release.promise;
      } else hold.skip--;
    }
    // The client (a cancelled run) may have gone while the request was held.
    if (req.destroyed || res.destroyed) return;
    // The Host header is kept: the sandbox builds its next-page links from it, so they point back here.
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on: a provider that cannot be reached. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(databaseKinds)('connection states on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let proxy: HoldingProxy;
  let rt: TestRuntime;
  let key: string;
  let deadPort: number;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 600, seed: 71, token: TOKEN });
    proxy = await HoldingProxy.start(sandbox.url);
    deadPort = await closedPort();
    rt = await startTestRuntime(kind, {
      allowPrivateHosts: [new URL(sandbox.url).host, new URL(proxy.url).host, `127.0.0.1:${deadPort}`],
      // Small commits, so a run held mid-stream has committed work to keep.
      engine: { batchSize: 25 },
    });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await proxy?.close();
    await sandbox?.close();
  });

  const api = (method: string, url: string, body?: unknown) => rt.inject({ method, url: `/api/v1${url}`, key, body });
  const total = async () => (await api('GET', '/connections?include_all=1&limit=100')).body.pagination.total as number;
  const getConnection = async (id: string) => (await api('GET', `/connections/${id}`)).body;
  const getRun = async (id: string) => (await api('GET', `/runs/${id}`)).body;
  /** A run started and held on its `n`-th issues page (after n-1 went through, committed). */
  const startHeld = async (connectionId: string, n: number, body: object = { full_refresh: true }) => {
    const hold = proxy.holdAfter(/\/issues\?/, n - 1);
    const started = await startRun(rt, key, connectionId, body);
    await hold.reached;
    const runId = started.run.id as string;
    await eventually(
      async () => {
        const issues = countsOf(await getRun(runId), 'issues');
        return issues.created + issues.updated + issues.unchanged > 0;
      },
      'a committed batch of issues before the held page',
      30_000,
    );
    return { runId, release: hold.release };
  };

  it('refuses a credential the provider rejects (422, its reason) or cannot check (502), saving nothing', async () => {
    const before = await total();
    const rejected = await api('POST', '/connections', { connector: 'github', fields: { token: WRONG }, config: { base_url: sandbox.url } });
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe('credentials_rejected');
    expect(rejected.body.error.message).toMatch(/Bad credentials/);
    expect(rejected.body.error.message).toMatch(/"verify": false/);
    expect(rejected.body.error.message.length).toBeLessThan(700);
    expect(rejected.raw).not.toContain(WRONG);

    const unreachable = await api('POST', '/connections', { connector: 'github', fields: { token: TOKEN }, config: { base_url: `http://127.0.0.1:${deadPort}` } });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.code).toBe('provider_unavailable');
    expect(unreachable.raw).not.toContain(TOKEN);
    expect(await total()).toBe(before);

    // The right token is verified and saved connected, with the probe as its first check.
    const good = await api('POST', '/connections', { connector: 'github', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ status: 'connected', connection: { status: 'connected', last_check_ok: true } });
    expect(await total()).toBe(before + 1);
    await api('DELETE', `/connections/${good.body.id}`);
  });

  it('reconnecting with new credentials says connected only once the provider accepts them', async () => {
    const created = await api('POST', '/connections', { connector: 'github', name: 'reconnect', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    const id = created.body.id as string;
    expect((await api('POST', `/connections/${id}/disconnect`)).body.status).toBe('disconnected');
    const rejected = await api('PATCH', `/connections/${id}`, { fields: { token: WRONG } });
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe('credentials_rejected');
    expect(await getConnection(id)).toMatchObject({ status: 'disconnected', has_credentials: false });
    const unverified = await api('PATCH', `/connections/${id}`, { fields: { token: WRONG }, verify: false });
    expect(unverified.body).toMatchObject({ status: 'pending', has_credentials: true });
    const accepted = await api('PATCH', `/connections/${id}`, { fields: { token: TOKEN } });
    expect(accepted.status, accepted.raw).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'connected', last_check_ok: true });
    await api('DELETE', `/connections/${id}`);
  });

  it('saves unverified as pending: no schedule or run-all syncs it; a failed check keeps it pending, a passing one connects it', async () => {
    const created = await api('POST', '/connections', { connector: 'github', name: 'unverified', fields: { token: WRONG }, config: { base_url: sandbox.url }, schedule: { every_minutes: 5 }, verify: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', connection: { status: 'pending', has_credentials: true } });
    const id = created.body.id as string;

    // Due now, yet neither the scheduler nor run-all starts it (it is the only connection of the workspace).
    await updateConnectionById(rt.database.db, id, { nextSyncAt: new Date(Date.now() - 60_000) });
    const due = await enqueueDueRuns(rt.services, (c) => rt.catalog.get(c).manifest.streams.map((s) => s.name));
    expect(due.connections).not.toContain(id);
    const all = await api('POST', '/run-all');
    expect(all.status).toBe(202);
    expect(all.body.count).toBe(0);
    expect((await api('GET', `/connections/${id}/runs`)).body.data).toEqual([]);
    // Nor can it be declared connected by hand.
    const forced = await api('PATCH', `/connections/${id}`, { status: 'connected' });
    expect(forced.status).toBe(409);
    expect(forced.body.error.code).toBe('connection_not_ready');

    const failed = await api('POST', `/connections/${id}/check`);
    expect(failed.body).toMatchObject({ ok: false });
    expect(failed.body.message).toMatch(/Bad credentials/);
    expect(await getConnection(id)).toMatchObject({ status: 'pending', last_check_ok: false });

    expect((await api('PATCH', `/connections/${id}`, { fields: { token: TOKEN }, verify: false })).body.status).toBe('pending');
    const passed = await api('POST', `/connections/${id}/check`);
    expect(passed.body).toMatchObject({ ok: true });
    expect(await getConnection(id)).toMatchObject({ status: 'connected', last_check_ok: true });
    await api('PATCH', `/connections/${id}`, { schedule: null });
  });

  it('a pending connection may be synced by hand, and a successful sync connects it', async () => {
    const id = await install(rt, key, 'github', { name: 'synced unverified', fields: { token: TOKEN }, config: { base_url: sandbox.url }, verify: false });
    expect((await getConnection(id)).status).toBe('pending');
    const started = await startRun(rt, key, id, { streams: ['repositories'] });
    const run = await waitForRun(rt, key, started.run.id);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    expect(await getConnection(id)).toMatchObject({ status: 'connected', last_sync_status: 'COMPLETED' });
  });

  it('disconnect during a running sync cancels the run first and ends disconnected, without credentials, for good', async () => {
    const id = await install(rt, key, 'github', { name: 'disconnected mid-sync', fields: { token: TOKEN }, config: { base_url: proxy.url } });
    const { runId, release } = await startHeld(id, 3);
    expect((await getConnection(id)).status).toBe('syncing');

    const disconnected = await api('POST', `/connections/${id}/disconnect`);
    expect(disconnected.status).toBe(200);
    expect(disconnected.body).toMatchObject({ status: 'disconnected', has_credentials: false });
    // The disconnect waited for the run to stop: it is over already.
    const run = await getRun(runId);
    expect(run.status).toBe('CANCELLED');
    for (const stream of run.streams) expect(['COMPLETED', 'CANCELLED'], stream.stream).toContain(stream.status);
    expect(countsOf(run, 'issues')).toMatchObject({ status: 'CANCELLED' });
    expect(countsOf(run, 'issues').created).toBeGreaterThan(0);

    // The held page goes through now, to nobody; nothing brings the connection back.
    release();
    const row = await getConnectionById(rt.database.db, id);
    expect(row).toMatchObject({ status: 'disconnected', credentials: null });
    expect((await getRun(runId)).status).toBe('CANCELLED');
    const refused = await api('POST', `/connections/${id}/runs`, {});
    expect(refused.status).toBe(409);
    expect(await getConnection(id)).toMatchObject({ status: 'disconnected', has_credentials: false, last_sync_status: 'CANCELLED' });
  });

  it("the end of a run never resurrects a connection disconnected or disabled while it ran", async () => {
    const id = await install(rt, key, 'github', { name: 'changed under a run', fields: { token: TOKEN }, config: { base_url: proxy.url } });
    // Disabled during a run that then completes: it stays disabled.
    const first = await startHeld(id, 3, { streams: ['issues'], full_refresh: true });
    expect((await api('PATCH', `/connections/${id}`, { status: 'disabled' })).body.status).toBe('disabled');
    first.release();
    const completed = await waitForRun(rt, key, first.runId);
    expect(completed.status, completed.error ?? '').toBe('COMPLETED');
    expect(await getConnection(id)).toMatchObject({ status: 'disabled', last_sync_status: 'COMPLETED' });

    // Disconnected (credentials cleared) behind a run's back, as when a disconnect's wait ran out; the run is
    // then cancelled: its end leaves the connection disconnected.
    await updateConnectionById(rt.database.db, id, { status: 'connected' });
    const second = await startHeld(id, 3, { streams: ['issues'], full_refresh: true });
    await updateConnectionById(rt.database.db, id, { status: 'disconnected', credentials: null, credentialsKeyId: null });
    expect((await api('POST', `/runs/${second.runId}/cancel`)).status).toBe(200);
    const cancelled = await waitForRun(rt, key, second.runId, 20_000);
    second.release();
    expect(cancelled.status).toBe('CANCELLED');
    expect(await getConnection(id)).toMatchObject({ status: 'disconnected', has_credentials: false });
  });

  it('a cancelled run leaves no stream RUNNING: each ends CANCELLED with its counts, unreached ones too', async () => {
    const id = await install(rt, key, 'github', { name: 'cancelled', fields: { token: TOKEN }, config: { base_url: proxy.url } });
    const { runId, release } = await startHeld(id, 3, { streams: ['repositories', 'issues', 'pull_requests'], full_refresh: true });
    const before = countsOf(await getRun(runId), 'issues').created;
    expect((await api('POST', `/runs/${runId}/cancel`)).status).toBe(200);
    const run = await waitForRun(rt, key, runId, 20_000);
    release();
    expect(run.status).toBe('CANCELLED');
    expect(countsOf(run, 'repositories').status).toBe('COMPLETED');
    expect(countsOf(run, 'issues')).toMatchObject({ status: 'CANCELLED' });
    expect(countsOf(run, 'issues').created).toBeGreaterThanOrEqual(before);
    expect(countsOf(run, 'pull_requests')).toMatchObject({ status: 'CANCELLED', created: 0 });
    expect(run.streams.map((s: { status: string }) => s.status)).not.toContain('RUNNING');
    expect(await getConnection(id)).toMatchObject({ status: 'connected', last_sync_status: 'CANCELLED' });

    // A pending run cancelled before any worker took it: its streams end too.
    const pendingRun = await insertRunUnlessActive(rt.database.db, { id: newId('run'), workspaceId: rt.bootstrap!.workspaceId, connectionId: id, trigger: 'api', mode: 'incremental', status: 'PENDING', streams: ['issues'] });
    expect(pendingRun.existing).toBe(false);
    const cancelled = await api('POST', `/runs/${pendingRun.run.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', streams: [{ stream: 'issues', status: 'CANCELLED' }] });
  });

  it('PATCH state refuses a cursor the stream cannot resume from (400 naming it); a right one is used by the next run', async () => {
    const id = await install(rt, key, 'github', { name: 'hand-set cursor', fields: { token: TOKEN }, config: { base_url: proxy.url } });
    for (const cursor of ['yesterday', '1', '2024-13-45T00:00:00Z', 'abc2024-01-01']) {
      const bad = await api('PATCH', `/connections/${id}/state`, { stream: 'issues', cursor });
      expect(bad.status, cursor).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_stream_state', field: 'cursor' });
      expect(bad.body.error.message).toMatch(/stream "issues" of github resumes from an ISO 8601 date/);
    }
    expect((await api('GET', `/connections/${id}/state`)).body.streams).toEqual({});
    const fullOnly = await api('PATCH', `/connections/${id}/state`, { stream: 'repositories', cursor: '2024-01-01T00:00:00Z' });
    expect(fullOnly.status).toBe(400);

    const cursor = '2024-02-03T04:05:06Z';
    const set = await api('PATCH', `/connections/${id}/state`, { stream: 'issues', cursor });
    expect(set.status).toBe(200);
    expect(set.body.streams.issues.state).toEqual({ cursor });
    const seenBefore = proxy.requests.length;
    const started = await startRun(rt, key, id, { streams: ['issues'] });
    const run = await waitForRun(rt, key, started.run.id);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    const issueRequests = proxy.requests.slice(seenBefore).filter((p) => p.includes('/issues?'));
    expect(issueRequests.length).toBeGreaterThan(0);
    // Every repository starts from the hand-set cursor.
    const firstPerRepo = new Map<string, string>();
    for (const p of issueRequests) {
      const url = new URL(p, 'http://x');
      if (!firstPerRepo.has(url.pathname)) firstPerRepo.set(url.pathname, url.searchParams.get('since') ?? '');
    }
    for (const [repo, since] of firstPerRepo) expect(since, repo).toBe(cursor);

    // null still resets every cursor.
    const cleared = await api('PATCH', `/connections/${id}/state`, { cursor: null });
    expect(cleared.body.streams).toEqual({});
  });
});
