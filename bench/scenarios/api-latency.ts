import autocannon from 'autocannon';
import type { BenchContext } from '../support/context.js';
import { CpuMeter, type CpuFigures } from '../support/processes.js';
import { table } from '../support/report.js';
import { startServe, type DbKind } from '../support/tributary.js';

/**
 * Scenario 4 — API latency under a fixed load, from a second process (this one) against a `tributary serve`
 * process holding the synced connection: `GET /api/v1/connections` and the change feed
 * `GET /api/v1/connections/:id/records/issues?limit=100` (100 records of ~1.6 KB: ~180 KB a response).
 *
 * autocannon's `overallRate` gives each connection a per-second quota that it spends back to back, so the
 * server sees bursts of `--api-connections` concurrent requests at the start of every second rather than one
 * request every 2 ms: the figures are latencies under those bursts. Latencies are taken from every response
 * (autocannon's histogram rounds to whole milliseconds); a warm-up run at the same rate comes first.
 */
export interface LatencyResult {
  database: DbKind;
  endpoint: string;
  rate: number;
  connections: number;
  duration_s: number;
  requests: number;
  achieved_rps: number;
  non2xx: number;
  errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  bytes_per_response: number;
  cpu: CpuFigures;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 100) / 100;
}

async function load(url: string, key: string, rate: number, connections: number, durationS: number): Promise<{ latencies: number[]; bytes: number; result: import('autocannon').Result }> {
  const latencies: number[] = [];
  let bytes = 0;
  const instance = autocannon({ url, connections, overallRate: rate, duration: durationS, headers: { authorization: `Bearer ${key}` }, timeout: 10 });
  instance.on('response', (_client: unknown, status: number, resBytes: number, responseTime: number) => {
    if (status >= 200 && status < 300) {
      latencies.push(responseTime);
      bytes += resBytes;
    }
  });
  const result = await instance;
  return { latencies, bytes, result };
}

export async function apiLatencyScenario(ctx: BenchContext): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  const { rate, durationS, warmupS, apiConnections } = ctx.params;
  for (const kind of ctx.params.databases) {
    const env = await ctx.syncedEnv(kind);
    // PGlite: the serve process that ran the sync (the embedded database serves that one process). PostgreSQL:
    // a `tributary serve` on the same schema (its in-process worker stays idle: no run is queued).
    const server =
      env.serve ?? (await startServe('serve (api, postgres)', { kind: 'postgres', databaseUrl: ctx.params.databaseUrl, schema: env.control!.schema }, [env.sandbox.host], { nodeFlags: await ctx.nodeFlags('serve-api-postgres') }));
    try {
      const endpoints = [
        { name: 'GET /api/v1/connections', path: '/api/v1/connections' },
        { name: 'GET /api/v1/connections/:id/records/issues?limit=100', path: `/api/v1/connections/${env.connectionId}/records/issues?limit=100` },
      ];
      for (const endpoint of endpoints) {
        ctx.log(`${kind}: ${endpoint.name} at ${rate} requests/s (${warmupS} s warm-up, ${durationS} s measured, ${apiConnections} connections)`);
        const url = `${server.url}${endpoint.path}`;
        if (warmupS > 0) await load(url, env.api.key, rate, apiConnections, warmupS);
        const meter = new CpuMeter({ 'tributary serve': server.child.pid }, kind === 'postgres');
        const { latencies, bytes, result } = await load(url, env.api.key, rate, apiConnections, durationS);
        const cpu = meter.stop();
        latencies.sort((a, b) => a - b);
        const item: LatencyResult = {
          database: kind,
          endpoint: endpoint.name,
          rate,
          connections: apiConnections,
          duration_s: durationS,
          requests: result.requests.total,
          achieved_rps: Math.round(result.requests.total / durationS),
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          p50_ms: percentile(latencies, 50),
          p90_ms: percentile(latencies, 90),
          p99_ms: percentile(latencies, 99),
          max_ms: percentile(latencies, 100),
          bytes_per_response: Math.round(bytes / Math.max(1, latencies.length)),
          cpu,
        };
        results.push(item);
        ctx.target('api', `${kind}: ${endpoint.name} p99 (ms)`, item.p99_ms, '< 20 ms', item.p99_ms < 20 && item.non2xx === 0 && item.errors === 0);
      }
    } finally {
      if (!env.serve) await server.close();
    }
  }
  console.log(
    table(
      `API latency at ${rate} requests/s (autocannon overallRate, ${apiConnections} connections, ${durationS} s)`,
      ['database', 'endpoint', 'req/s done', 'non-2xx', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'bytes/resp', 'server CPU s'],
      results.map((r) => [r.database, r.endpoint, r.achieved_rps, r.non2xx + r.errors, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.bytes_per_response, r.cpu.cpuS['tributary serve'] ?? null]),
    ),
  );
  return results;
}
