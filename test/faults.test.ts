import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import type { FaultRequest } from '../src/connectors/kit/sandbox/faults.js';
import { defaultEngineOptions, type EngineDeps } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { SYNC_QUEUE } from '../src/jobs/job-queue.js';
import { databaseKinds } from './support/databases.js';
import { rowCounts, rowIds } from './support/record-rows.js';
import { countsOf, install, runLogMessages, syncAndWait, insertPendingRun } from './support/run-helpers.js';
import { clearFaults, injectFaults, pendingFaults, sandboxStats } from './support/sandbox-control.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * Provider trouble in the middle of a sync: rate-limit storms, bursts of server errors and cut-off responses
 * must still end in a complete, exact copy (retries inside a request, and job retries that resume from the
 * committed checkpoints); a provider that never recovers ends the run FAILED as transient, keeping what was
 * committed.
 */
const TOKEN = 'ghp_faults_token_0123456789abcdefghij';
const STREAMS = ['repositories', 'issues', 'pull_requests'] as const;

describe.each(databaseKinds)('provider faults on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  /** Ids per stream of a sync made without any fault: what every faulty sync must end with. */
  const reference = new Map<string, string[]>();

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 2000, seed: 23, token: TOKEN });
    // A short per-request timeout, so the `slow` faults below time out in seconds rather than the default 30.
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host], engine: { requestTimeoutMs: 2000 } });
    key = rt.bootstrap!.apiKey;
    // Job retries resume the run; the production delay (5 s, doubling) only slows the test down, so shorten it.
    // Jobs copy the queue's retry settings when sent, so this applies to every run below.
    await rt.boss.updateQueue(SYNC_QUEUE, { retryDelay: 1, retryBackoff: false });
    // updateQueue evicts pg-boss's cached queue row; refill it now, outside any transaction. (On PGlite a
    // cold lookup from the `send` inside requestRun's transaction would wait for that transaction forever.)
    await rt.boss.findJobs(SYNC_QUEUE, { key: 'warm-the-queue-cache' });
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const connect = (name: string) => install(rt, key, 'github', { name, fields: { token: TOKEN }, config: { base_url: sandbox.url } });

  /** A fresh connection, a fault queued after `after` good requests, and a full sync that must come out exact. */
  const syncThrough = async (name: string, fault: FaultRequest) => {
    const connectionId = await connect(name);
    await injectFaults(sandbox.url, fault);
    return finishThrough(connectionId);
  };

  /** A full sync of a connection whose faults are queued: every fault met, and the copy exact. */
  const finishThrough = async (connectionId: string) => {
    const before = await sandboxStats(sandbox.url);
    const run = await syncAndWait(rt, key, connectionId, { full_refresh: true });
    const after = await sandboxStats(sandbox.url);
    expect(await pendingFaults(sandbox.url), 'every queued fault was met').toEqual([]);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    const counts = sandbox.info().counts;
    for (const stream of STREAMS) {
      expect(countsOf(run, stream), stream).toMatchObject({ status: 'COMPLETED', created: counts[stream], updated: 0, deleted: 0, failed: 0 });
      const ids = await rowIds(rt, connectionId, stream);
      expect(new Set(ids).size, `${stream}: distinct ids`).toBe(counts[stream]);
      expect(ids, `${stream}: the same ids as a sync without faults`).toEqual(reference.get(stream));
    }
    const logs = await runLogMessages(rt, key, run.id);
    expect(logs.some((m) => m.startsWith('Retrying a request')), 'the retries are logged').toBe(true);
    return { run, logs, requests: after.total - before.total, failedStatuses: diffStatuses(before.by_status, after.by_status) };
  };

  it('a sync without faults sets the reference', async () => {
    const connectionId = await connect('reference');
    const run = await syncAndWait(rt, key, connectionId, { full_refresh: true });
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    const counts = sandbox.info().counts;
    for (const stream of STREAMS) {
      const ids = await rowIds(rt, connectionId, stream);
      expect(ids.length, stream).toBe(counts[stream]);
      reference.set(stream, ids);
    }
  });

  it('a storm of 429s with Retry-After mid-sync still ends complete and exact', async () => {
    // Six in a row outlast one request's five attempts, so the job is retried and resumes from its checkpoint.
    const { run, logs, failedStatuses } = await syncThrough('rate limited', { kind: 'rate_limit', count: 6, retry_after: 1, after: 12 });
    expect(failedStatuses['429']).toBe(6);
    expect(logs.filter((m) => m.startsWith('Retrying a request')).length).toBeGreaterThanOrEqual(5);
    expect(logs.some((m) => /rate_limited \(429\)/.test(m))).toBe(true);
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect(logs.some((m) => m.startsWith('Resuming run'))).toBe(true);
  });

  it('a burst of 500s mid-sync still ends complete and exact', async () => {
    const { failedStatuses } = await syncThrough('server errors', { kind: 'server_error', count: 6, after: 20 });
    expect((failedStatuses['500'] ?? 0) + (failedStatuses['502'] ?? 0)).toBe(6);
  });

  it('a truncated response mid-sync still ends complete and exact', async () => {
    const { failedStatuses, logs } = await syncThrough('truncated', { kind: 'truncate', count: 2, after: 15 });
    expect(failedStatuses['truncated']).toBe(2);
    expect(logs.filter((m) => m.startsWith('Retrying a request')).length).toBeGreaterThanOrEqual(2);
  });

  it('bursts of 502 and 503 mid-sync still end complete and exact', async () => {
    const connectionId = await connect('gateway errors');
    await injectFaults(sandbox.url, { kind: 'server_error', status: 502, count: 3, after: 10 });
    await injectFaults(sandbox.url, { kind: 'server_error', status: 503, count: 4, after: 6 });
    const { failedStatuses } = await finishThrough(connectionId);
    expect(failedStatuses).toMatchObject({ '502': 3, '503': 4 });
  });

  it('connection resets mid-sync, one burst longer than a request’s retries, still end complete and exact', async () => {
    const connectionId = await connect('resets');
    await injectFaults(sandbox.url, { kind: 'reset', count: 2, after: 8 });
    // Six in a row outlast one request's five attempts: the job is retried and resumes from its checkpoint.
    await injectFaults(sandbox.url, { kind: 'reset', count: 6, after: 10 });
    const { run, logs, failedStatuses } = await finishThrough(connectionId);
    expect(failedStatuses['reset']).toBe(8);
    expect(logs.some((m) => /Retrying a request .*(ECONNRESET|connection_closed)/.test(m)), logs.join('\n')).toBe(true);
    expect(run.attempts).toBeGreaterThanOrEqual(2);
  });

  it('requests that time out mid-sync still end complete and exact', async () => {
    const connectionId = await connect('timeouts');
    // Each answers after 5 s; the engine gives an attempt 2 s (requestTimeoutMs above).
    await injectFaults(sandbox.url, { kind: 'slow', delay_ms: 5000, count: 2, after: 9 });
    const { logs } = await finishThrough(connectionId);
    expect(logs.filter((m) => /Retrying a request .*timeout/.test(m)).length, logs.join('\n')).toBeGreaterThanOrEqual(2);
  });

  it('a mixed storm (429 with Retry-After, 500, 502, 503, resets, timeouts, cut-off bodies) still ends complete and exact', async () => {
    const connectionId = await connect('storm');
    const storm: FaultRequest[] = [
      { kind: 'rate_limit', count: 3, retry_after: 1, after: 4 },
      { kind: 'server_error', status: 500, count: 2, after: 3 },
      { kind: 'reset', count: 2, after: 2 },
      { kind: 'server_error', status: 502, count: 2, after: 3 },
      { kind: 'slow', delay_ms: 5000, count: 1, after: 2 },
      { kind: 'truncate', count: 2, after: 3 },
      { kind: 'server_error', status: 503, count: 3, after: 2 },
      { kind: 'rate_limit', count: 2, retry_after: 1, after: 5 },
    ];
    for (const fault of storm) await injectFaults(sandbox.url, fault);
    const { failedStatuses } = await finishThrough(connectionId);
    expect(failedStatuses).toMatchObject({ '429': 5, '500': 2, '502': 2, '503': 3, reset: 2, truncated: 2 });
  });

  it('a provider that never recovers ends FAILED (transient) on the final attempt, keeping committed work', async () => {
    const connectionId = await connect('never recovers');
    const total = sandbox.info().counts.issues;
    // Some 1,500 issues read first (one commit of 1,000), then 500s for good.
    await injectFaults(sandbox.url, { kind: 'server_error', count: 100_000, after: 20 });
    // The engine directly, as a job's last attempt would call it: no job retry to wait for.
    const pending = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId, streams: ['issues'], mode: 'incremental' });
    const deps: EngineDeps = {
      db: rt.database.db,
      catalog: rt.catalog,
      vault: rt.vault,
      logger: rt.logger,
      providerTraffic: new ProviderTraffic(),
      options: { ...defaultEngineOptions, heartbeatMs: 200, allowPrivateHosts: [new URL(sandbox.url).host] },
    };
    const outcome = await executeRun(deps, pending.id, { final: true });
    await clearFaults(sandbox.url);
    expect(outcome).toEqual({ status: 'FAILED', runId: pending.id, connector: 'github' });

    const run = (await rt.inject({ method: 'GET', url: `/api/v1/runs/${pending.id}`, key })).body;
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'transient' });
    expect(run.error).toMatch(/50[02]/);
    expect(run.error.length).toBeLessThanOrEqual(1000);
    expect(run.error).not.toContain(TOKEN);
    expect(countsOf(run, 'issues')).toMatchObject({ status: 'FAILED', deleted: 0 });
    const logs = await runLogMessages(rt, key, run.id);
    expect(logs.filter((m) => m.startsWith('Retrying a request')).length).toBeGreaterThanOrEqual(4);

    const connection = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).body;
    expect(connection).toMatchObject({ status: 'error', last_sync_status: 'FAILED' });
    expect(connection.last_sync_error).toMatch(/50[02]/);

    // Committed work is kept: the rows, and the cursor that covers them.
    const kept = await rowCounts(rt, connectionId, 'issues');
    expect(kept.live).toBeGreaterThanOrEqual(1000);
    expect(kept.live).toBeLessThan(total);
    expect(kept.deleted).toBe(0);
    expect(countsOf(run, 'issues').created).toBe(kept.live);
    const state = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/state`, key })).body;
    expect(state.streams.issues).toBeDefined();

    // Once the provider is back, the next incremental run picks up from there and completes the copy.
    const resumed = await syncAndWait(rt, key, connectionId, { streams: ['issues'] });
    expect(resumed.status, resumed.error ?? '').toBe('COMPLETED');
    expect(countsOf(resumed, 'issues').created).toBe(total - kept.live);
    expect(await rowIds(rt, connectionId, 'issues')).toEqual(reference.get('issues'));
    const healed = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).body;
    expect(healed).toMatchObject({ status: 'connected', last_sync_status: 'COMPLETED', last_sync_error: null });
  });
});

function diffStatuses(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [status, n] of Object.entries(after)) {
    const delta = n - (before[status] ?? 0);
    if (delta > 0) out[status] = delta;
  }
  return out;
}
