import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { queryRows } from '../src/db/db.js';
import { killAllChildren, sleep, spawnTributary, tail, type TributaryChild } from './support/child-process.js';
import { testDatabaseUrl } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * Two `tributary worker` processes share one queue: a storm of run requests (many for the same connection at the
 * same moment) must never have one connection synced by two runs at once, and both workers must take part.
 * PostgreSQL only: the embedded database serves one process.
 */

const TOKEN = 'ghp_worker_concurrency_token_0123456789';
const CONNECTIONS = 20;
const STORM_MS = 15_000;

interface RunRow {
  id: string;
  connection_id: string;
  status: string;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

describe.runIf(testDatabaseUrl)('two worker processes on PostgreSQL', () => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  const connectionIds: string[] = [];
  const workers: TributaryChild[] = [];

  beforeAll(async () => {
    // 1,500 issues, 375 pull requests, one repository: each full refresh reads ~20 pages, long enough (a few
    // hundred ms) for requests to land while the connection's previous run is still going.
    sandbox = await createGithubSandbox({ port: 0, records: 1500, seed: 303, token: TOKEN, rateLimit: 10_000_000 });
    rt = await startTestRuntime('postgres', { worker: false, allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
    for (let i = 0; i < CONNECTIONS; i++) {
      const created = await rt.inject({
        method: 'POST',
        url: '/api/v1/connections',
        key,
        body: { connector: 'github', name: `concurrency ${i}`, fields: { token: TOKEN }, config: { base_url: sandbox.url } },
      });
      expect(created.status).toBe(201);
      connectionIds.push(created.body.id);
    }
    const env = {
      DATABASE_URL: testDatabaseUrl!,
      TRIBUTARY_DB_SCHEMA: rt.database.schema,
      TRIBUTARY_ENCRYPTION_KEYS: rt.config.encryptionKeys!,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
      TRIBUTARY_WORKER_CONCURRENCY: '2',
    };
    workers.push(spawnTributary('worker A', ['worker'], env), spawnTributary('worker B', ['worker'], env));
    await Promise.all(workers.map((w) => w.waitForLine(/Tributary worker started/, 60_000)));
  });
  afterEach(async () => {
    await killAllChildren();
  });
  afterAll(async () => {
    await killAllChildren();
    await rt?.stop();
    await sandbox?.close();
  });

  const activeDuplicates = () =>
    queryRows<{ connection_id: string; n: number }>(
      rt.database.db,
      sql`select connection_id, count(*)::int as n from runs where status in ('PENDING', 'RUNNING') group by connection_id having count(*) > 1`,
    );

  it(
    'never runs one connection twice at once, under a storm of concurrent and duplicate run requests; both workers share the work',
    async () => {
      const startedAt = Date.now();
      let requests = 0;
      let merged = 0;
      const sampledDuplicates: unknown[] = [];
      // Every 150 ms, three concurrent requests for each of a few random connections (so the same connection is
      // asked for at the same instant), while the workers are busy with earlier ones.
      while (Date.now() - startedAt < STORM_MS) {
        const picks = Array.from({ length: 4 }, () => connectionIds[Math.floor(Math.random() * connectionIds.length)]!);
        const responses = await Promise.all(
          picks.flatMap((id) =>
            [0, 1, 2].map(() => rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key, body: { full_refresh: true } })),
          ),
        );
        for (const res of responses) {
          expect(res.status).toBe(202);
          requests++;
          if (res.body.existing) merged++;
        }
        sampledDuplicates.push(...(await activeDuplicates()));
        await sleep(150);
      }
      // Drain: every run finishes.
      const deadline = Date.now() + 120_000;
      for (;;) {
        sampledDuplicates.push(...(await activeDuplicates()));
        const [active] = await queryRows<{ n: number }>(rt.database.db, sql`select count(*)::int as n from runs where status in ('PENDING', 'RUNNING')`);
        if (active!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`runs still active after the storm:\n${workers.map((w) => `${w.name}:\n${tail(w.lines, 10)}`).join('\n')}`);
        await sleep(250);
      }
      expect(sampledDuplicates).toEqual([]);

      const runs = await queryRows<RunRow>(
        rt.database.db,
        sql`select id, connection_id, status, attempts, created_at, started_at, completed_at from runs order by connection_id, started_at`,
      );
      expect(runs.length).toBeGreaterThan(CONNECTIONS);
      expect(runs.length + merged).toBe(requests);
      for (const run of runs) expect(run, `run ${run.id}`).toMatchObject({ status: 'COMPLETED', attempts: 1 });

      // Per connection, each run started only after the previous one had completed.
      const byConnection = new Map<string, RunRow[]>();
      for (const run of runs) byConnection.set(run.connection_id, [...(byConnection.get(run.connection_id) ?? []), run]);
      let overlaps = 0;
      for (const list of byConnection.values()) {
        const sorted = [...list].sort((a, b) => new Date(a.started_at!).getTime() - new Date(b.started_at!).getTime());
        for (let i = 1; i < sorted.length; i++) {
          if (new Date(sorted[i]!.started_at!).getTime() < new Date(sorted[i - 1]!.completed_at!).getTime()) overlaps++;
        }
      }
      expect(overlaps).toBe(0);

      // Each run was executed once, by one of the two workers, and both workers did part of the work.
      const starts = await queryRows<{ run_id: string; message: string; worker: string | null }>(
        rt.database.db,
        sql`select run_id, message, data->>'worker' as worker from run_logs where message = 'Run started' or message like 'Resuming run%'`,
      );
      expect(starts.every((s) => s.message === 'Run started')).toBe(true);
      expect(new Set(starts.map((s) => s.run_id)).size).toBe(starts.length);
      expect(starts.length).toBe(runs.length);
      const perWorker = new Map<number, number>();
      for (const s of starts) {
        const pid = Number(s.worker?.split(':').at(-1));
        perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
      }
      expect([...perWorker.keys()].sort()).toEqual(workers.map((w) => w.pid).sort());
      for (const worker of workers) expect(perWorker.get(worker.pid), `runs done by ${worker.name}`).toBeGreaterThan(0);

      // And the data: every connection holds each of the provider's issues exactly once.
      const [workspace] = await queryRows<{ data_schema: string }>(rt.database.db, sql`select data_schema from workspaces where id = ${rt.bootstrap!.workspaceId}`);
      const counts = await queryRows<{ connection_id: string; total: number; distinct_ids: number; live: number }>(
        rt.database.db,
        sql`select connection_id, count(*)::int as total, count(distinct id)::int as distinct_ids, count(*) filter (where deleted_at is null)::int as live
            from ${sql.raw(`"${workspace!.data_schema}"."github_issues"`)} group by connection_id`,
      );
      const expected = sandbox.info().counts.issues;
      expect(counts.length).toBe(new Set(runs.map((r) => r.connection_id)).size);
      for (const row of counts) expect(row, row.connection_id).toMatchObject({ total: expected, distinct_ids: expected, live: expected });

      console.log(
        `worker concurrency: ${requests} run requests in ${STORM_MS / 1000} s over ${CONNECTIONS} connections → ${runs.length} runs (${merged} merged into an active run); ` +
          `${workers.map((w) => `${w.name} (pid ${w.pid}) ran ${perWorker.get(w.pid)}`).join(', ')}; ${((Date.now() - startedAt) / 1000).toFixed(1)} s in all`,
      );

      // Both workers stop cleanly on SIGTERM.
      for (const worker of workers) worker.proc.kill('SIGTERM');
      for (const worker of workers) expect((await worker.exited).code, `${worker.name} exit code`).toBe(0);
    },
    240_000,
  );
});
