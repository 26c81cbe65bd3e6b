import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { defaultEngineOptions } from '../src/engine/engine-deps.js';
import { SYNC_QUEUE } from '../src/jobs/job-queue.js';
import { startSyncWorker } from '../src/jobs/sync-worker.js';
import { databaseKinds } from './support/databases.js';
import { rowCounts, rowIds } from './support/record-rows.js';
import { countsOf, eventually, install, startRun, syncAndWait } from './support/run-helpers.js';
import { clearFaults, injectFaults, pendingFaults, sandboxChanges, sandboxStats } from './support/sandbox-control.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * Stopping a run: a running one stops within a page (the cancel aborts the request in flight), keeps what it
 * committed, never soft-deletes, and hands the connection back as connected; a pending one is cancelled at once
 * and never started; a finished one cannot be cancelled.
 */
const TOKEN = 'ghp_cancel_token_0123456789abcdefghijk';
const SLOW_PAGE_MS = 200;
/** Longer than any test here may take: a request held this long only ends by being aborted. */
const HANG_MS = 600_000;
const HANG_COUNT = 100_000;
/** Each test syncs thousands of records (and one starts a second runtime): more than the default on a loaded machine. */
const TEST_TIMEOUT_MS = 180_000;

describe.each(databaseKinds)('cancelling runs on %s', (kind) => {
  let large: GithubSandboxHandle;
  let small: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;

  beforeAll(async () => {
    large = await createGithubSandbox({ port: 0, records: 50_000, seed: 31, token: TOKEN });
    small = await createGithubSandbox({ port: 0, records: 1500, seed: 32, token: TOKEN });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(large.url).host, new URL(small.url).host] });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await large?.close();
    await small?.close();
  });

  const getRun = async (id: string) => (await rt.inject({ method: 'GET', url: `/api/v1/runs/${id}`, key })).body;
  const cancel = (id: string) => rt.inject({ method: 'POST', url: `/api/v1/runs/${id}/cancel`, key });

  /**
   * Cancels a run while a page request hangs at the provider, and returns the run once it has stopped. The
   * provider answers nothing for ten minutes from the moment the hang is set, so a run that reaches CANCELLED
   * did abort the request in flight: no clock is read, the hang is the proof. `arrivedAfterCancel` counts the
   * provider requests that arrived after the cancel (the hang is taken by every request, in arrival order).
   */
  const cancelWhileAPageHangs = async (runId: string, sandboxUrl: string) => {
    await clearFaults(sandboxUrl);
    await injectFaults(sandboxUrl, { kind: 'slow', count: HANG_COUNT, delay_ms: HANG_MS });
    const arrived = async () => HANG_COUNT - ((await pendingFaults(sandboxUrl))[0]?.remaining ?? 0);
    // A page request is in flight (the reader waits for it) when the cancel lands.
    await eventually(async () => (await arrived()) > 0, 'a page request to reach the hanging provider', 30_000);
    const atCancel = await arrived();
    const res = await cancel(runId);
    expect(res.status).toBe(200);
    expect(res.body.cancel_requested).toBe(true);
    const run = await waitForRun(rt, key, runId);
    const arrivedAfterCancel = async () => (await arrived()) - atCancel;
    return { run, arrivedAfterCancel };
  };

  it('stops a running sync within a page, keeping its committed work', async () => {
    const connectionId = await install(rt, key, 'github', { name: 'large', fields: { token: TOKEN }, config: { base_url: large.url } });
    const total = large.info().counts.issues;
    await injectFaults(large.url, { kind: 'slow', count: 100_000, delay_ms: SLOW_PAGE_MS });
    const started = await startRun(rt, key, connectionId, { full_refresh: true });
    // Mid-sync: at least one batch of issues committed.
    await eventually(async () => {
      const run = await getRun(started.run.id);
      return run.streams.find((s: { stream: string }) => s.stream === 'issues')?.created > 0;
    }, 'a first committed batch of issues', 30_000);

    const { run, arrivedAfterCancel } = await cancelWhileAPageHangs(started.run.id, large.url);
    // Stopped within the page in flight: that page never came back, and no further one was asked for.
    expect(run.status).toBe('CANCELLED');
    expect(await arrivedAfterCancel()).toBe(0);
    expect(run.totals.deleted).toBe(0);
    expect(run.completed_at).not.toBeNull();

    const kept = await rowCounts(rt, connectionId, 'issues');
    expect(kept.live).toBeGreaterThan(0);
    expect(kept.live).toBeLessThan(total);
    expect(kept.live).toBe(countsOf(run, 'issues').created);
    expect(kept.deleted).toBe(0);

    const connection = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).body;
    expect(connection).toMatchObject({ status: 'connected', last_sync_status: 'CANCELLED' });
    const logs = (await rt.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/logs?limit=1000`, key })).body.data.map((l: { message: string }) => l.message);
    expect(logs).toContain('Run cancelled; committed work is kept');
    // Checked again after all of the above: nothing the cancelled run started reached the provider late.
    expect(await arrivedAfterCancel()).toBe(0);
    await clearFaults(large.url);
  }, TEST_TIMEOUT_MS);

  it('a cancelled full refresh never soft-deletes; the next complete one does', async () => {
    const connectionId = await install(rt, key, 'github', { name: 'small', fields: { token: TOKEN }, config: { base_url: small.url } });
    const first = await syncAndWait(rt, key, connectionId, { full_refresh: true });
    expect(first.status, first.error ?? '').toBe('COMPLETED');

    const change = await sandboxChanges<{ deleted: number[] }>(small.url, { stream: 'issues', delete: 5 });
    const gone = change.deleted.map(String);
    expect(gone).toHaveLength(5);

    await injectFaults(small.url, { kind: 'slow', count: 100_000, delay_ms: SLOW_PAGE_MS });
    const started = await startRun(rt, key, connectionId, { full_refresh: true });
    await eventually(async () => {
      const run = await getRun(started.run.id);
      return run.streams.find((s: { stream: string }) => s.stream === 'issues')?.unchanged > 0;
    }, 'the refresh to be reading issues', 30_000);
    const { run, arrivedAfterCancel } = await cancelWhileAPageHangs(started.run.id, small.url);
    expect(run.status).toBe('CANCELLED');
    expect(await arrivedAfterCancel()).toBe(0);
    await clearFaults(small.url);
    for (const stream of run.streams) expect(stream.deleted, stream.stream).toBe(0);
    expect(countsOf(run, 'issues').status).not.toBe('COMPLETED');

    const counts = await rowCounts(rt, connectionId, 'issues');
    expect(counts.deleted).toBe(0);
    const live = new Set(await rowIds(rt, connectionId, 'issues'));
    for (const id of gone) expect(live.has(id), `issue ${id} deleted at the provider is still live`).toBe(true);
    expect((await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).body.status).toBe('connected');

    // A complete refresh afterwards deletes exactly those: the cancelled run's seen-set left nothing behind.
    const full = await syncAndWait(rt, key, connectionId, { full_refresh: true });
    expect(full.status, full.error ?? '').toBe('COMPLETED');
    expect(countsOf(full, 'issues')).toMatchObject({ created: 0, updated: 0, deleted: 5 });
    expect(full.totals.deleted).toBe(5);
    const after = new Set(await rowIds(rt, connectionId, 'issues'));
    for (const id of gone) expect(after.has(id)).toBe(false);

    // A finished run cannot be cancelled.
    for (const id of [full.id, run.id]) {
      const res = await cancel(id);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('run_not_cancellable');
    }
    expect((await getRun(full.id)).status).toBe('COMPLETED');
  }, TEST_TIMEOUT_MS);

  it('cancels a pending run at once, and a worker started later skips it', async () => {
    const idle = await startTestRuntime(kind, { worker: false, allowPrivateHosts: [new URL(small.url).host] });
    try {
      const idleKey = idle.bootstrap!.apiKey;
      const connectionId = await install(idle, idleKey, 'github', { name: 'pending', fields: { token: TOKEN }, config: { base_url: small.url } });
      const started = await startRun(idle, idleKey, connectionId, {});
      expect(started.run.status).toBe('PENDING');
      const res = await idle.inject({ method: 'POST', url: `/api/v1/runs/${started.run.id}/cancel`, key: idleKey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'CANCELLED', cancel_requested: true, started_at: null });
      expect(res.body.completed_at).not.toBeNull();

      const requestsBefore = (await sandboxStats(small.url)).total;
      await startSyncWorker(
        idle.boss,
        { db: idle.database.db, catalog: idle.catalog, vault: idle.vault, logger: idle.logger, providerTraffic: new ProviderTraffic(), options: { ...defaultEngineOptions, allowPrivateHosts: [new URL(small.url).host] } },
        { concurrency: 1, pollingIntervalSeconds: 0.5 },
      );
      const job = await eventually(async () => {
        const [found] = await idle.boss.findJobs(SYNC_QUEUE, { key: started.run.id });
        return found && found.state === 'completed' ? found : undefined;
      }, 'the worker to take the cancelled run’s job', 15_000);
      expect(job.state).toBe('completed');

      const run = (await idle.inject({ method: 'GET', url: `/api/v1/runs/${started.run.id}`, key: idleKey })).body;
      expect(run).toMatchObject({ status: 'CANCELLED', attempts: 0, started_at: null, totals: { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 } });
      expect((await sandboxStats(small.url)).total, 'the provider was never called').toBe(requestsBefore);
      const connection = (await idle.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key: idleKey })).body;
      expect(connection.status).toBe('connected');
      expect((await idle.inject({ method: 'POST', url: `/api/v1/runs/${started.run.id}/cancel`, key: idleKey })).status).toBe(409);
    } finally {
      await idle.stop();
    }
  }, TEST_TIMEOUT_MS);
});
