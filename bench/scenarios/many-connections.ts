import { sql } from 'drizzle-orm';
import type { BenchContext } from '../support/context.js';
import { queryRows } from '../../src/db/db.js';
import { CpuMeter, sleep, type Child, type CpuFigures } from '../support/processes.js';
import { seconds, table } from '../support/report.js';
import { startSandbox } from '../support/sandbox.js';
import { createGithubConnection, startControlPlane, startWorker } from '../support/tributary.js';

/**
 * Scenario 5 — many connections at once: `--connections` GitHub connections (every stream: repositories, issues,
 * pull requests; `--connection-records` issues each) all started by one `POST /run-all`, executed by
 * `--workers` `tributary worker` processes on PostgreSQL. Figures: total records per second from the first
 * run queued to the last completed, and each run's wait from queued to completed (the slowest is what the
 * last connection in line experiences).
 */
export interface ManyConnectionsResult {
  connections: number;
  workers: number;
  worker_concurrency: number;
  records_per_connection: number;
  runs_completed: number;
  records_written: number;
  elapsed_ms: number;
  records_per_s: number;
  runs_per_s: number;
  /** queued → completed. */
  wait_ms: { p50: number; p90: number; max: number };
  /** queued → started (time in the queue). */
  queue_ms: { p50: number; max: number };
  /** started → completed (one run's own time). */
  run_ms: { p50: number; max: number };
  cpu: CpuFigures;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

export async function manyConnectionsScenario(ctx: BenchContext): Promise<ManyConnectionsResult> {
  const { connections, connectionRecords, workers: workerCount, workerConcurrency, databaseUrl } = ctx.params;
  ctx.log(`connections: ${connections} connections × ${connectionRecords} issues, ${workerCount} workers × concurrency ${workerConcurrency}`);
  const sandbox = await startSandbox({ records: connectionRecords, seed: ctx.params.seed });
  const schema = 'bench_many';
  const control = await startControlPlane(databaseUrl, schema, [sandbox.host]);
  const workers: Child[] = [];
  try {
    for (let i = 0; i < connections; i++) await createGithubConnection(control.api, sandbox, `many ${i}`);
    for (let i = 0; i < workerCount; i++) {
      workers.push(await startWorker(`worker ${i + 1} (many)`, databaseUrl, schema, [sandbox.host], workerConcurrency, { nodeFlags: await ctx.nodeFlags(`worker-many-${i + 1}`) }));
    }
    const parties: Record<string, number> = { sandbox: sandbox.child.pid };
    workers.forEach((w, i) => (parties[`worker ${i + 1}`] = w.pid));
    const meter = new CpuMeter(parties, true);
    const started = await control.api.request<{ run_ids: string[]; count: number }>('POST', '/run-all');
    if (started.run_ids.length !== connections) throw new Error(`run-all started ${started.run_ids.length} runs, expected ${connections}`);
    const db = control.runtime.database.db;
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const [row] = await queryRows<{ active: number; failed: number }>(
        db,
        sql`select count(*) filter (where status in ('PENDING', 'RUNNING'))::int as active, count(*) filter (where status in ('FAILED', 'CANCELLED'))::int as failed from runs`,
      );
      if (row!.failed > 0) throw new Error(`${row!.failed} runs failed`);
      if (row!.active === 0) break;
      if (Date.now() > deadline) throw new Error(`${row!.active} runs still active after 30 minutes`);
      await sleep(250);
    }
    const cpu = meter.stop();
    const runs = await queryRows<{ created_at: Date | string; started_at: Date | string; completed_at: Date | string }>(
      db,
      sql`select created_at, started_at, completed_at from runs where status = 'COMPLETED'`,
    );
    const [written] = await queryRows<{ n: number }>(db, sql`select coalesce(sum(created + updated), 0)::int as n from run_streams`);
    const t = (v: Date | string) => new Date(v).getTime();
    const first = Math.min(...runs.map((r) => t(r.created_at)));
    const last = Math.max(...runs.map((r) => t(r.completed_at)));
    const waits = runs.map((r) => t(r.completed_at) - t(r.created_at)).sort((a, b) => a - b);
    const queue = runs.map((r) => t(r.started_at) - t(r.created_at)).sort((a, b) => a - b);
    const own = runs.map((r) => t(r.completed_at) - t(r.started_at)).sort((a, b) => a - b);
    const elapsed = last - first;
    const result: ManyConnectionsResult = {
      connections,
      workers: workerCount,
      worker_concurrency: workerConcurrency,
      records_per_connection: Math.round(written!.n / Math.max(1, runs.length)),
      runs_completed: runs.length,
      records_written: written!.n,
      elapsed_ms: elapsed,
      records_per_s: Math.round((written!.n / Math.max(1, elapsed)) * 1000),
      runs_per_s: Math.round((runs.length / Math.max(1, elapsed)) * 100_000) / 100,
      wait_ms: { p50: pct(waits, 50), p90: pct(waits, 90), max: pct(waits, 100) },
      queue_ms: { p50: pct(queue, 50), max: pct(queue, 100) },
      run_ms: { p50: pct(own, 50), max: pct(own, 100) },
      cpu,
    };
    console.log(
      table(
        `Many connections: ${connections} connections synced at once by ${workerCount} worker processes (concurrency ${workerConcurrency} each), PostgreSQL`,
        ['runs', 'records written', 'elapsed s', 'records/s', 'runs/s', 'wait p50 s', 'wait p90 s', 'slowest wait s', 'run p50 s', 'CPU s (workers / sandbox / postgres)'],
        [
          [
            result.runs_completed,
            result.records_written,
            seconds(elapsed),
            result.records_per_s,
            result.runs_per_s,
            seconds(result.wait_ms.p50),
            seconds(result.wait_ms.p90),
            seconds(result.wait_ms.max),
            seconds(result.run_ms.p50),
            `${workers.map((_, i) => cpu.cpuS[`worker ${i + 1}`]?.toFixed(1)).join(' + ')} / ${cpu.cpuS['sandbox']?.toFixed(1)} / ${cpu.cpuS['postgres server']?.toFixed(1)} (of ${cpu.wallS.toFixed(1)} s)`,
          ],
        ],
      ),
    );
    return result;
  } finally {
    for (const worker of workers) await worker.stop();
    await control.close();
    await sandbox.stop();
  }
}
