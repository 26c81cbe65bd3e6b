import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { queryRows } from '../src/db/db.js';
import { openDatabase } from '../src/db/open-database.js';
import { freePort, killAllChildren, sleep, spawnTributary, tail, type TributaryChild } from './support/child-process.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { runLogMessages } from './support/run-helpers.js';
import { testManifest } from './support/test-manifest.js';
import { sandboxIssueIds } from './support/github-sandbox-ids.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import { callApi } from './support/http-api.js';
import type { RunLogList, StartRunResponse } from './support/api-types.js';

/**
 * SIGTERM during a run (a deploy, a scale-down): the process stops taking jobs, the run stops at its next page
 * boundary with its work committed and goes back to the queue, and the process exits well within its grace
 * period. The run is neither FAILED nor CANCELLED; the next process resumes it at once (not after a heartbeat
 * expiry) and it completes with exactly the provider's records. On PostgreSQL the stopped process is a
 * `tributary worker`; on the embedded database it is `tributary serve` on a data folder, started again.
 */

const TOKEN = 'ghp_graceful_shutdown_token_0123456789ab';
const RECORDS = 60_000;
/** The GitHub page size: with the stop committing what was read, a resume re-reads at most the page after the last checkpoint. */
const PAGE_SIZE = 100;
const GRACE_SECONDS = 20;
/**
 * A run left to the crash path waits for the job's heartbeat to go stale (15 s), a supervisor pass (≤ 5 s) and a
 * retry delay (≥ 5 s): ~20 s or more. A handed-back run is fetched by the next worker's first poll.
 */
const PROMPT_PICKUP_MS = 10_000;

interface RunView {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  streams: { stream: string; status: string; created: number; updated: number; unchanged: number; deleted: number; failed: number }[];
}

const issuesOf = (run: RunView) => run.streams.find((s) => s.stream === 'issues');
const processed = (run: RunView) => {
  const s = issuesOf(run);
  return s ? s.created + s.updated + s.unchanged : 0;
};

let tornDown = false;

async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (tornDown) throw new Error(`gave up waiting for ${what}: the suite is tearing down`);
    const last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}

/** Sends SIGTERM and measures how long the process takes to exit (it must exit by itself: no SIGKILL follows). */
async function terminate(child: TributaryChild): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
  const sent = Date.now();
  child.proc.kill('SIGTERM');
  const exit = await child.exited;
  return { ms: Date.now() - sent, ...exit };
}

function expectHandBackLogs(messages: string[]): void {
  expect(messages.some((m) => m.startsWith('The worker is shutting down: committed work is kept')), messages.join('\n')).toBe(true);
  expect(messages.filter((m) => /^(Run started|Resuming run)/.test(m))).toEqual(['Run started', 'Resuming run (attempt 2)']);
  expect(messages.some((m) => /^Run (failed|cancelled)/.test(m))).toBe(false);
}

describe.runIf(testDatabaseUrl)('graceful shutdown on PostgreSQL: `tributary worker` gets SIGTERM mid-sync', () => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let connectionId: string;

  beforeAll(async () => {
    tornDown = false;
    sandbox = await createGithubSandbox({ port: 0, records: RECORDS, seed: 303, token: TOKEN, rateLimit: 10_000_000 });
    rt = await startTestRuntime('postgres', { worker: false, allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
    const created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key, body: { connector: 'github', name: 'sigterm', fields: { token: TOKEN }, config: { base_url: sandbox.url } } });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
  });
  afterEach(async () => {
    await killAllChildren();
  });
  afterAll(async () => {
    tornDown = true;
    await killAllChildren();
    await rt?.stop();
    await sandbox?.close();
  });

  const startWorker = async (name: string, env: Record<string, string> = {}): Promise<TributaryChild> => {
    const worker = spawnTributary(name, ['worker'], {
      ...env,
      DATABASE_URL: testDatabaseUrl!,
      TRIBUTARY_DB_SCHEMA: rt.database.schema,
      TRIBUTARY_ENCRYPTION_KEYS: rt.config.encryptionKeys!,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
      TRIBUTARY_WORKER_CONCURRENCY: '1',
      TRIBUTARY_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    });
    await worker.waitForLine(/Tributary worker started/, 60_000);
    return worker;
  };

  it(
    'hands the run back within the grace period; a new worker resumes it at once and it completes with exactly the provider records',
    async () => {
      const expected = sandbox.info().counts.issues;
      const first = await startWorker('worker 1');
      const started = await rt.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/runs`, key, body: { streams: ['issues'], full_refresh: true } });
      expect(started.status).toBe(202);
      const runId: string = started.body.run.id;
      const readRun = async (): Promise<RunView> => (await rt.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, key })).body as RunView;

      const before = await pollUntil('a quarter of the records', readRun, (run) => processed(run) >= expected / 4 || !['PENDING', 'RUNNING'].includes(run.status), 180_000);
      expect(before.status, `the run ended before the SIGTERM: ${before.error}`).toBe('RUNNING');
      const stop = await terminate(first);
      expect(stop.code, tail(first.lines)).toBe(0);
      expect(stop.ms, 'the worker must exit well within its grace period').toBeLessThan(GRACE_SECONDS * 1000);

      // Handed back: active (PENDING), not failed or cancelled; its committed counts kept; its stream says it is waiting.
      const handedBack = await readRun();
      expect(handedBack.status).toBe('PENDING');
      expect(handedBack.error).toBeNull();
      expect(handedBack.attempts).toBe(1);
      expect(issuesOf(handedBack)).toMatchObject({ status: 'PENDING', failed: 0 });
      expect(processed(handedBack)).toBeGreaterThanOrEqual(processed(before));
      // A fresh job waits in the queue for it, available now and with its retries intact.
      const jobs = await queryRows<{ state: string; retry_count: number; start_after: Date; now: Date }>(
        rt.database.db,
        sql`select state, retry_count, start_after, now() as now from ${sql.raw(`"${rt.database.schema}_jobs"`)}.job where data->>'runId' = ${runId} order by created_on`,
      );
      expect(jobs.map((j) => j.state)).toEqual(['completed', 'created']);
      expect(jobs[1]!.retry_count).toBe(0);
      expect(new Date(jobs[1]!.start_after).getTime()).toBeLessThanOrEqual(new Date(jobs[1]!.now).getTime());

      // The second worker also serves its probes and counters (TRIBUTARY_WORKER_PORT): runs happen in workers.
      const workerPort = await freePort();
      const second = await startWorker('worker 2', { TRIBUTARY_WORKER_PORT: String(workerPort), HOST: '127.0.0.1' });
      const readyAt = Date.now();
      const picked = await pollUntil('the run to be picked up again', readRun, (run) => run.attempts > 1, PROMPT_PICKUP_MS);
      const pickupMs = Date.now() - readyAt;
      expect(picked.status).not.toMatch(/FAILED|CANCELLED/);
      const final = await pollUntil('the run to finish', readRun, (run) => !['PENDING', 'RUNNING'].includes(run.status), 180_000, 200);
      console.log(
        `PostgreSQL: SIGTERM at ${processed(before)} committed records; worker exited after ${(stop.ms / 1000).toFixed(1)} s with ${processed(handedBack)} committed; ` +
          `new worker took the run ${(pickupMs / 1000).toFixed(1)} s after it was ready; final ${JSON.stringify(issuesOf(final))}`,
      );
      expect(final.status, `${final.error}\n${tail(second.lines)}`).toBe('COMPLETED');
      expect(final.attempts).toBe(2);
      const issues = issuesOf(final)!;
      expect(issues).toMatchObject({ status: 'COMPLETED', created: expected, updated: 0, deleted: 0, failed: 0 });
      // The stop committed what it had read: only the page after the last checkpoint is read twice.
      expect(issues.unchanged).toBeLessThanOrEqual(PAGE_SIZE);

      const ready = await fetch(`http://127.0.0.1:${workerPort}/health/ready`);
      expect(ready.status).toBe(200);
      const scraped = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
      expect(scraped).toContain('tributary_runs_finished_total{connector="github",status="COMPLETED"} 1');
      expect(scraped).toContain(`tributary_records_synced_total{connector="github",stream="issues",kind="created"} ${expected - issuesOf(handedBack)!.created}`);
      expect((await fetch(`http://127.0.0.1:${workerPort}/api/v1/connectors`)).status, 'a worker serves no API').toBe(404);

      const [workspace] = await queryRows<{ data_schema: string }>(rt.database.db, sql`select data_schema from workspaces where id = ${rt.bootstrap!.workspaceId}`);
      const stored = await queryRows<{ id: string }>(rt.database.db, sql`select id from ${sql.raw(`"${workspace!.data_schema}"."github_issues"`)} where connection_id = ${connectionId} and deleted_at is null`);
      const providerIds = await sandboxIssueIds(sandbox);
      expect(stored.length).toBe(providerIds.size);
      expect(new Set(stored.map((r) => r.id))).toEqual(providerIds);

      const logs = await rt.inject({ method: 'GET', url: `/api/v1/runs/${runId}/logs?limit=500`, key });
      expectHandBackLogs((logs.body.data as { message: string }[]).map((l) => l.message));
    },
    600_000,
  );
});

describe('graceful shutdown on the embedded database: `tributary serve` gets SIGTERM mid-sync and starts again', () => {
  const ADMIN_KEY = 'trb_graceful_shutdown_admin_key_0001';
  let sandbox: GithubSandboxHandle;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    tornDown = false;
    sandbox = await createGithubSandbox({ port: 0, records: RECORDS, seed: 404, token: TOKEN, rateLimit: 10_000_000 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tributary-sigterm-'));
    port = await freePort();
  });
  afterEach(async () => {
    await killAllChildren();
  });
  afterAll(async () => {
    tornDown = true;
    await killAllChildren();
    await sandbox?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const startServe = async (name: string): Promise<TributaryChild> => {
    const serve = spawnTributary(name, ['serve'], {
      TRIBUTARY_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      TRIBUTARY_ADMIN_KEY: ADMIN_KEY,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
      TRIBUTARY_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    });
    await serve.waitForLine(/Tributary listening/, 90_000);
    return serve;
  };
  const api = <T = unknown>(method: string, url: string, body?: unknown) => callApi<T>(port, ADMIN_KEY, method, url, body);

  it(
    'exits within the grace period with the run handed back (PENDING on disk); the restarted server resumes it at once and it completes with exactly the provider records',
    async () => {
      const expected = sandbox.info().counts.issues;
      const first = await startServe('serve 1');
      const created = await api<{ id: string }>('POST', '/connections', { connector: 'github', name: 'sigterm', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
      expect(created.status).toBe(201);
      const connectionId: string = created.body.id;
      const started = await api<StartRunResponse>('POST', `/connections/${connectionId}/runs`, { streams: ['issues'], full_refresh: true });
      expect(started.status).toBe(202);
      const runId: string = started.body.run.id;
      const readRun = async (): Promise<RunView> => (await api<RunView>('GET', `/runs/${runId}`)).body;

      const before = await pollUntil('a quarter of the records', readRun, (run) => processed(run) >= expected / 4 || !['PENDING', 'RUNNING'].includes(run.status), 180_000);
      expect(before.status, `the run ended before the SIGTERM: ${before.error}`).toBe('RUNNING');
      const stop = await terminate(first);
      expect(stop.code, tail(first.lines)).toBe(0);
      expect(stop.ms, 'the server must exit well within its grace period').toBeLessThan(GRACE_SECONDS * 1000);

      // What the stopped server left in its data folder: the run active and waiting, with a fresh job for it.
      const database = await openDatabase({ url: undefined, dataDir: path.join(dataDir, 'pgdata'), migrate: false });
      try {
        const [run] = await queryRows<{ status: string; attempts: number; error: string | null }>(database.db, sql`select status, attempts, error from runs where id = ${runId}`);
        expect(run).toEqual({ status: 'PENDING', attempts: 1, error: null });
        const streams = await queryRows<{ status: string; created: number }>(database.db, sql`select status, created from run_streams where run_id = ${runId}`);
        expect(streams).toHaveLength(1);
        expect(streams[0]!.status).toBe('PENDING');
        expect(streams[0]!.created).toBeGreaterThanOrEqual(processed(before));
        const jobs = await queryRows<{ state: string; retry_count: number }>(database.db, sql`select state, retry_count from tributary_jobs.job where data->>'runId' = ${runId} order by created_on`);
        expect(jobs).toEqual([
          { state: 'completed', retry_count: 0 },
          { state: 'created', retry_count: 0 },
        ]);
      } finally {
        await database.close();
      }

      const second = await startServe('serve 2');
      const readyAt = Date.now();
      const picked = await pollUntil('the run to be picked up again', readRun, (run) => run.attempts > 1, PROMPT_PICKUP_MS);
      const pickupMs = Date.now() - readyAt;
      expect(picked.status).not.toMatch(/FAILED|CANCELLED/);
      const final = await pollUntil('the run to finish', readRun, (run) => !['PENDING', 'RUNNING'].includes(run.status), 180_000, 200);
      console.log(
        `PGlite (serve): SIGTERM at ${processed(before)} committed records; server exited after ${(stop.ms / 1000).toFixed(1)} s; ` +
          `restarted server took the run ${(pickupMs / 1000).toFixed(1)} s after it was ready; final ${JSON.stringify(issuesOf(final))}`,
      );
      expect(final.status, `${final.error}\n${tail(second.lines)}`).toBe('COMPLETED');
      expect(final.attempts).toBe(2);
      const issues = issuesOf(final)!;
      expect(issues).toMatchObject({ status: 'COMPLETED', created: expected, updated: 0, deleted: 0, failed: 0 });
      expect(issues.unchanged).toBeLessThanOrEqual(PAGE_SIZE);

      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: { status: number; body: any } = await api('GET', `/connections/${connectionId}/records/issues?limit=1000&include_deleted=true${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        for (const row of page.body.data as { id: string; deleted_at: string | null }[]) {
          expect(seen.has(row.id), `record ${row.id} returned twice`).toBe(false);
          seen.add(row.id);
          expect(row.deleted_at).toBeNull();
        }
        cursor = page.body.has_more ? page.body.next_cursor : null;
      } while (cursor);
      expect(seen).toEqual(await sandboxIssueIds(sandbox));

      const logs = await api<RunLogList>('GET', `/runs/${runId}/logs?limit=500`);
      expectHandBackLogs((logs.body.data as { message: string }[]).map((l) => l.message));

      const last = await terminate(second);
      expect(last.code).toBe(0);
    },
    600_000,
  );
});

/**
 * A provider that stops answering in the middle of a page, once: the shutdown cannot wait for a page boundary.
 * The reader waits on its signal as an HTTP request in flight does.
 */
const STALL_TOTAL = 200;
const STALL_AT_PAGE = 3;
const stall = { armed: true, reached: null as (() => void) | null };
const stallingConnector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'stall_test',
    name: 'Stalling test',
    description: 'Pages of 20, resumable by page; hangs once in the middle of a page',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
  }),
  streams: {
    async *items(ctx): AsyncGenerator<StreamMessage> {
      for (let page = Number(ctx.state?.['page'] ?? 0); page * 20 < STALL_TOTAL; page++) {
        if (page === STALL_AT_PAGE && stall.armed) {
          stall.armed = false;
          stall.reached?.();
          await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
        }
        yield { type: 'records', records: Array.from({ length: 20 }, (_, i) => ({ id: `r${page * 20 + i}` })) };
        yield { type: 'state', state: { page: page + 1 } };
      }
    },
  },
};

describe.each(databaseKinds)('graceful shutdown bounded by its grace period on %s', (kind) => {
  const GRACE = 4;
  let dir: string;
  let rt: TestRuntime | undefined;

  beforeAll(async () => {
    tornDown = false;
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-grace-'));
  });
  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops a run stuck in a page before the grace period ends, hands it back, and the next start completes it', async () => {
    const storage = kind === 'pglite' ? { pgliteDataDir: path.join(dir, 'pgdata') } : {};
    const options = { connectors: [stallingConnector], engine: { batchSize: 20 }, config: { shutdownGraceSeconds: GRACE } };
    const first = await startTestRuntime(kind, { ...options, ...storage });
    rt = first;
    const key = first.bootstrap!.apiKey;
    const installed = await first.inject({ method: 'POST', url: '/api/v1/connections', key, body: { connector: 'stall_test', name: 'stall' } });
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    stall.armed = true;
    const stalled = new Promise<void>((resolve) => (stall.reached = resolve));
    const started = await first.inject({ method: 'POST', url: `/api/v1/connections/${installed.body.id}/runs`, key, body: {} });
    expect(started.status).toBe(202);
    const runId: string = started.body.run.id;
    await stalled;
    // Every page before the stall committed: the run now waits inside a page, with no boundary to stop at.
    await pollUntil('the pages before the stall to commit', async () => (await first.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, key })).body as RunView, (r) => (r.streams[0]?.created ?? 0) >= STALL_AT_PAGE * 20, 30_000);

    const stopStarted = Date.now();
    await first.stop({ keepData: true });
    rt = undefined;
    const stopMs = Date.now() - stopStarted;
    // Cut off mid-page five seconds before the end of the grace period (here: at its half), never after it.
    expect(stopMs).toBeLessThan(GRACE * 1000);
    expect(stopMs).toBeGreaterThanOrEqual((GRACE * 1000) / 2 - 100);

    const second = await startTestRuntime(kind, { ...options, ...storage, schema: first.schema, config: { ...options.config, encryptionKeys: first.config.encryptionKeys } });
    rt = second;
    const run = await waitForRun(second, key, runId);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    expect(run.attempts).toBe(2);
    expect(run.streams[0]).toMatchObject({ status: 'COMPLETED', created: STALL_TOTAL, updated: 0, failed: 0 });
    const messages = await runLogMessages(second, key, runId);
    expect(messages.some((m) => m.startsWith('The worker is shutting down: committed work is kept'))).toBe(true);
    expect(messages.some((m) => /^Run (failed|cancelled)/.test(m))).toBe(false);
  });
});
