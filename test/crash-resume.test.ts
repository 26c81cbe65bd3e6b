import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { queryRows } from '../src/db/db.js';
import { freePort, killAllChildren, sleep, spawnTributary, tail, type TributaryChild } from './support/child-process.js';
import { testDatabaseUrl } from './support/databases.js';
import { sandboxIssueIds } from './support/github-sandbox-ids.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { callApi } from './support/http-api.js';
import type { RunLogList, StartRunResponse } from './support/api-types.js';

/**
 * Crash safety, with real processes and real SIGKILLs: a sync interrupted at several points by killing the
 * process that runs it ends, after resume, with exactly the provider's records (none missing, none twice) and
 * counts that add up. On PostgreSQL the killed processes are `tributary worker`s (the API runs in this test
 * process); on the embedded database it is `tributary serve` itself, restarted on the same data folder.
 */

const TOKEN = 'ghp_crash_resume_token_0123456789abcdef';
/** The engine's defaults (EngineOptions.batchSize, the GitHub page size): the most a resume may re-read. */
const BATCH_SIZE = 1000;
const PAGE_SIZE = 100;

interface RunView {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  streams: { stream: string; status: string; created: number; updated: number; unchanged: number; deleted: number; failed: number }[];
  totals: { created: number; updated: number; unchanged: number; deleted: number; failed: number };
}

interface KillFigure {
  target: number;
  killedAtRecords: number;
  /** From the SIGKILL to the replacement process being ready. */
  replacedMs: number;
  /** From the SIGKILL to the new process taking the run (its `attempts` going up). */
  pickedUpMs: number;
  /** From the SIGKILL to the first new commit. */
  progressingMs: number;
}

const issuesOf = (run: RunView) => run.streams.find((s) => s.stream === 'issues');
/** Records committed so far: every record read lands in exactly one of these. */
const processed = (run: RunView) => {
  const s = issuesOf(run);
  return s ? s.created + s.updated + s.unchanged : 0;
};

/** Set when a suite tears down, so that a test body still polling after a timeout stops instead of racing the cleanup. */
let tornDown = false;

async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    if (tornDown) throw new Error(`gave up waiting for ${what}: the suite is tearing down`);
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}

/**
 * Kills the process running the sync at each fraction of `expected`, starting a fresh one each time, and
 * measures how long the run takes to be picked up again and to make progress.
 */
async function killAtFractions(options: {
  expected: number;
  fractions: number[];
  readRun: () => Promise<RunView>;
  current: () => TributaryChild;
  replace: (index: number) => Promise<void>;
  resumeTimeoutMs: number;
}): Promise<KillFigure[]> {
  const figures: KillFigure[] = [];
  for (const [index, fraction] of options.fractions.entries()) {
    const target = Math.round(options.expected * fraction);
    const before = await pollUntil(`${target} records`, options.readRun, (run) => processed(run) >= target || (run.status !== 'RUNNING' && run.status !== 'PENDING'), 180_000);
    expect(before.status, `the run ended before the kill at ${target} records: ${before.error}`).toBe('RUNNING');
    // Staggered so the kills land at different moments of the cycle (fetching a page, inside a commit, between).
    await sleep((index * 70) % 200);
    const victim = options.current();
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    await options.replace(index);
    const replacedMs = Date.now() - killedAt;
    // What the killed process had committed: nothing else writes to the run until it is picked up again.
    const atKill = await options.readRun();
    const picked = await pollUntil('the run to be picked up again', options.readRun, (run) => run.attempts > before.attempts, options.resumeTimeoutMs, 50);
    const pickedUpMs = Date.now() - killedAt;
    expect(picked.status).toBe('RUNNING');
    await pollUntil('progress after the resume', options.readRun, (run) => processed(run) > processed(atKill) || run.status === 'COMPLETED', 60_000, 50);
    figures.push({ target, killedAtRecords: processed(atKill), replacedMs, pickedUpMs, progressingMs: Date.now() - killedAt });
  }
  return figures;
}

function report(label: string, records: number, figures: KillFigure[], totalMs: number, final: RunView): void {
  const lines = [
    `${label}: ${records} records, ${figures.length} SIGKILLs, ${(totalMs / 1000).toFixed(1)} s from run start to COMPLETED`,
    ...figures.map(
      (f, i) =>
        `  kill ${i + 1} at ${f.killedAtRecords} committed records (target ${f.target}): new process ready after ${(f.replacedMs / 1000).toFixed(1)} s, run picked up again after ${(f.pickedUpMs / 1000).toFixed(1)} s, committing again after ${(f.progressingMs / 1000).toFixed(1)} s`,
    ),
    `  final counts: ${JSON.stringify(issuesOf(final))}, attempts ${final.attempts}`,
  ];
  console.log(lines.join('\n'));
}

describe.runIf(testDatabaseUrl)('crash and resume on PostgreSQL: `tributary worker` killed with SIGKILL mid-sync', () => {
  // 100,000 issues (plus 25,000 pull requests that the issues endpoint also lists and the stream leaves out).
  const RECORDS = 100_000;
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let connectionId: string;
  let worker: TributaryChild;
  const workers: TributaryChild[] = [];

  beforeAll(async () => {
    tornDown = false;
    sandbox = await createGithubSandbox({ port: 0, records: RECORDS, seed: 101, token: TOKEN, rateLimit: 10_000_000 });
    rt = await startTestRuntime('postgres', { worker: false, allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
    const created = await rt.inject({
      method: 'POST',
      url: '/api/v1/connections',
      key,
      body: { connector: 'github', name: 'crash', fields: { token: TOKEN }, config: { base_url: sandbox.url } },
    });
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

  const startWorker = async (n: number) => {
    worker = spawnTributary(`worker ${n}`, ['worker'], {
      DATABASE_URL: testDatabaseUrl!,
      TRIBUTARY_DB_SCHEMA: rt.database.schema,
      TRIBUTARY_ENCRYPTION_KEYS: rt.config.encryptionKeys!,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
      TRIBUTARY_WORKER_CONCURRENCY: '1',
    });
    workers.push(worker);
    await worker.waitForLine(/Tributary worker started/, 60_000);
  };

  it(
    'ends with exactly the provider records after three SIGKILLs (at ~10%, ~40%, ~75%): none missing, none twice, counts adding up',
    async () => {
      const expected = sandbox.info().counts.issues;
      expect(expected).toBe(RECORDS);
      const readRun = async (): Promise<RunView> => {
        const res = await rt.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, key });
        expect(res.status).toBe(200);
        return res.body as RunView;
      };

      await startWorker(1);
      const startedAt = Date.now();
      const started = await rt.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/runs`, key, body: { streams: ['issues'], full_refresh: true } });
      expect(started.status).toBe(202);
      const runId: string = started.body.run.id;

      const fractions = [0.1, 0.4, 0.75];
      const figures = await killAtFractions({
        expected,
        fractions,
        readRun,
        current: () => worker,
        replace: (i) => startWorker(i + 2),
        resumeTimeoutMs: 90_000,
      });
      const final = await pollUntil('the run to finish', readRun, (run) => !['PENDING', 'RUNNING'].includes(run.status), 180_000, 200);
      const totalMs = Date.now() - startedAt;
      report('PostgreSQL', expected, figures, totalMs, final);

      expect(final.status, `${final.error}\n${tail(worker.lines)}`).toBe('COMPLETED');
      expect(final.attempts).toBe(fractions.length + 1);
      // Every record of the provider created exactly once; the records re-read after each resume (those after
      // the last committed checkpoint) are unchanged, and a resume re-reads at most one batch plus one page.
      const issues = issuesOf(final)!;
      expect(issues).toMatchObject({ status: 'COMPLETED', created: expected, updated: 0, deleted: 0, failed: 0 });
      expect(issues.unchanged).toBeLessThanOrEqual(fractions.length * (BATCH_SIZE + PAGE_SIZE));
      expect(final.totals).toMatchObject({ created: expected, updated: 0, deleted: 0, failed: 0 });
      for (const figure of figures) expect(figure.pickedUpMs, 'a killed worker’s run must be picked up again within a minute').toBeLessThan(60_000);

      // The table itself: exactly the provider's ids, each once, none soft-deleted.
      const [workspace] = await queryRows<{ data_schema: string }>(rt.database.db, sql`select data_schema from workspaces where id = ${rt.bootstrap!.workspaceId}`);
      const table = sql.raw(`"${workspace!.data_schema}"."github_issues"`);
      const [counts] = await queryRows<{ total: number; distinct_ids: number; deleted: number }>(
        rt.database.db,
        sql`select count(*)::int as total, count(distinct id)::int as distinct_ids, count(*) filter (where deleted_at is not null)::int as deleted
            from ${table} where connection_id = ${connectionId}`,
      );
      expect(counts).toEqual({ total: expected, distinct_ids: expected, deleted: 0 });
      const stored = await queryRows<{ id: string }>(rt.database.db, sql`select id from ${table} where connection_id = ${connectionId}`);
      const providerIds = await sandboxIssueIds(sandbox);
      expect(providerIds.size).toBe(expected);
      const storedIds = new Set(stored.map((r) => r.id));
      expect([...providerIds].filter((id) => !storedIds.has(id))).toEqual([]);
      expect([...storedIds].filter((id) => !providerIds.has(id))).toEqual([]);
      // A finished run leaves no seen-set behind.
      const [seen] = await queryRows<{ n: number }>(rt.database.db, sql`select count(*) as n from seen_batches where run_id = ${runId}`);
      expect(Number(seen!.n)).toBe(0);

      // Each attempt was a different worker process, and said so.
      const logs = await rt.inject({ method: 'GET', url: `/api/v1/runs/${runId}/logs?limit=500`, key });
      const starts = (logs.body.data as { message: string; data: { worker?: string } | null }[]).filter((l) => /^(Run started|Resuming run)/.test(l.message));
      expect(starts.map((l) => l.message)).toEqual(['Run started', 'Resuming run (attempt 2)', 'Resuming run (attempt 3)', 'Resuming run (attempt 4)']);
      expect(starts.map((l) => Number(l.data?.worker?.split(':').at(-1)))).toEqual(workers.map((w) => w.pid));
      // Each replacement worker, on the same host, saw that the killed process was gone and handed the run to a new
      // attempt at once, rather than after the job's heartbeat expired (release-orphaned-runs.ts).
      const released = (logs.body.data as { message: string }[]).filter((l) => /is gone; a new attempt resumes it/.test(l.message));
      expect(released.length).toBe(fractions.length);
    },
    600_000,
  );
});

describe('crash and resume on the embedded database: `tributary serve` killed with SIGKILL mid-sync and restarted', () => {
  // The same 100,000 issues: the embedded database keeps up (the sync itself takes ~20 s here); most of the time
  // goes to waiting for the killed server's job heartbeat to expire. Two kills, since each one exercises the
  // whole restart path (WAL recovery of the data folder, heartbeat expiry, retry, resume from the checkpoint).
  const RECORDS = 100_000;
  const ADMIN_KEY = 'trb_crash_resume_admin_key_0001';
  let sandbox: GithubSandboxHandle;
  let dataDir: string;
  let port: number;
  let serve: TributaryChild;
  const serves: TributaryChild[] = [];

  beforeAll(async () => {
    tornDown = false;
    sandbox = await createGithubSandbox({ port: 0, records: RECORDS, seed: 202, token: TOKEN, rateLimit: 10_000_000 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tributary-crash-'));
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

  const startServe = async (n: number) => {
    serve = spawnTributary(`serve ${n}`, ['serve'], {
      TRIBUTARY_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      TRIBUTARY_ADMIN_KEY: ADMIN_KEY,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
    });
    serves.push(serve);
    await serve.waitForLine(/Tributary listening/, 90_000);
  };
  const api = <T = unknown>(method: string, url: string, body?: unknown) => callApi<T>(port, ADMIN_KEY, method, url, body);

  it(
    'ends with exactly the provider records after two SIGKILLs of the whole server (at ~25%, ~65%)',
    async () => {
      const expected = sandbox.info().counts.issues;
      expect(expected).toBe(RECORDS);
      await startServe(1);
      const created = await api<{ id: string }>('POST', '/connections', { connector: 'github', name: 'crash', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
      expect(created.status).toBe(201);
      const connectionId: string = created.body.id;

      const startedAt = Date.now();
      const started = await api<StartRunResponse>('POST', `/connections/${connectionId}/runs`, { streams: ['issues'], full_refresh: true });
      expect(started.status).toBe(202);
      const runId: string = started.body.run.id;
      // While the server is down (killed, or still starting) the run cannot be read: wait for it.
      const readRun = async (): Promise<RunView> => {
        for (;;) {
          try {
            const res = await api('GET', `/runs/${runId}`);
            expect(res.status).toBe(200);
            return res.body as RunView;
          } catch (error) {
            if (!serve.isRunning()) throw new Error(`${serve.name} exited:\n${tail(serve.lines)}`);
            if (!(error instanceof TypeError)) throw error;
            await sleep(100);
          }
        }
      };

      const fractions = [0.25, 0.65];
      const figures = await killAtFractions({
        expected,
        fractions,
        readRun,
        current: () => serve,
        replace: (i) => startServe(i + 2),
        resumeTimeoutMs: 90_000,
      });
      const final = await pollUntil('the run to finish', readRun, (run) => !['PENDING', 'RUNNING'].includes(run.status), 180_000, 200);
      const totalMs = Date.now() - startedAt;
      report('PGlite (serve)', expected, figures, totalMs, final);

      expect(final.status, `${final.error}\n${tail(serve.lines)}`).toBe('COMPLETED');
      expect(final.attempts).toBe(fractions.length + 1);
      const issues = issuesOf(final)!;
      expect(issues).toMatchObject({ status: 'COMPLETED', created: expected, updated: 0, deleted: 0, failed: 0 });
      expect(issues.unchanged).toBeLessThanOrEqual(fractions.length * (BATCH_SIZE + PAGE_SIZE));
      for (const figure of figures) expect(figure.pickedUpMs, 'a crashed server’s run must be picked up again within a minute').toBeLessThan(60_000);

      // Read everything back through the API, deleted rows included: exactly the provider's ids, each once, none deleted.
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
      const providerIds = await sandboxIssueIds(sandbox);
      expect(providerIds.size).toBe(expected);
      expect([...providerIds].filter((id) => !seen.has(id))).toEqual([]);
      expect([...seen].filter((id) => !providerIds.has(id))).toEqual([]);

      // Each restarted server handed the run to a new attempt at once: its previous process was gone.
      const logs = await api<RunLogList>('GET', `/runs/${runId}/logs?limit=500`);
      const released = (logs.body.data as { message: string }[]).filter((l) => /is gone; a new attempt resumes it/.test(l.message));
      expect(released.length).toBe(fractions.length);

      // The server that finished the run also stops cleanly on SIGTERM.
      serve.proc.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
      expect(serves.length).toBe(fractions.length + 1);
    },
    600_000,
  );
});
