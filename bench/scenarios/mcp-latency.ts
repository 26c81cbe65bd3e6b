import type { BenchContext } from '../support/context.js';
import { CpuMeter, type CpuFigures } from '../support/processes.js';
import { table } from '../support/report.js';
import { brands, seedCompanies } from '../support/seed-companies.js';
import { ADMIN_KEY, startServe, type DbKind } from '../support/tributary.js';

/**
 * Scenario — MCP tool-call latency: `--mcp-calls` JSON-RPC requests, `concurrency` in flight at once, POSTed
 * statelessly to `/mcp` of a `tributary serve` holding the synced connection (each request authenticates, builds
 * its server and runs the tool: what any process behind a load balancer does). Latency is from send to the
 * JSON-RPC answer read off the SSE response. Three calls: `tools/list` (the floor: no database work),
 * `search_companies` over `seededCompanies` CRM companies (a brand ~10% of them carry: a full page of 20 and a
 * count), and `query_stream` reading 100 rows of the synced `issues` stream through the change feed. A call the
 * server does not offer, or one answering an error or a short page, fails the scenario rather than measuring
 * nothing.
 */
export interface McpLatencyResult {
  database: DbKind;
  call: string;
  calls: number;
  concurrency: number;
  errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  calls_per_s: number;
  cpu: CpuFigures;
}

const concurrency = 100;

/** Companies created for the CRM search (see seed-companies.ts). */
const seededCompanies = 1000;

interface McpCall {
  label: string;
  method: 'tools/list' | 'tools/call';
  /** The tool, for tools/call. */
  tool?: string;
  args?: Record<string, unknown>;
  /** What a useful answer holds: checked on the warm-up's answers, so a run never measures empty results. */
  holds(result: any): boolean;
}

function mcpCalls(connectionId: string): McpCall[] {
  return [
    { label: 'tools/list', method: 'tools/list', holds: (r) => Array.isArray(r?.tools) && r.tools.length > 0 },
    {
      label: `CRM search (${seededCompanies.toLocaleString('en-US')} companies, page of 20)`,
      method: 'tools/call',
      tool: 'search_companies',
      args: { query: brands[0].toLowerCase(), limit: 20 },
      holds: (r) => r?.structuredContent?.items?.length === 20 && r.structuredContent.total >= 20,
    },
    {
      label: 'stream query (issues, 100 rows)',
      method: 'tools/call',
      tool: 'query_stream',
      args: { connection_id: connectionId, stream: 'issues', limit: 100 },
      holds: (r) => r?.structuredContent?.rows?.length === 100,
    },
  ];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 100) / 100;
}

async function rpc(url: string, id: number, method: string, params: Record<string, unknown>): Promise<{ ok: boolean; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${ADMIN_KEY}`, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  });
  const text = await response.text();
  const data = text.split('\n').find((line) => line.startsWith('data: ') && line.length > 7);
  const body = data ? JSON.parse(data.slice(6)) : text ? JSON.parse(text) : undefined;
  return { ok: response.ok && body?.result !== undefined && body.result.isError !== true, body };
}

export async function mcpLatencyScenario(ctx: BenchContext): Promise<McpLatencyResult[]> {
  const results: McpLatencyResult[] = [];
  const calls = ctx.params.mcpCalls;
  for (const kind of ctx.params.databases) {
    const env = await ctx.syncedEnv(kind);
    const server =
      env.serve ?? (await startServe('serve (mcp, postgres)', { kind: 'postgres', databaseUrl: ctx.params.databaseUrl, schema: env.control!.schema }, [env.sandbox.host], { nodeFlags: await ctx.nodeFlags('serve-mcp-postgres') }));
    try {
      const url = `${server.url}/mcp`;
      const listed = await rpc(url, 0, 'tools/list', {});
      const offered = new Set<string>((listed.body?.result?.tools ?? []).map((t: { name: string }) => t.name));
      ctx.log(`${kind}: seeding ${seededCompanies} CRM companies`);
      const seededMs = await seedCompanies(env.api, seededCompanies);
      ctx.log(`${kind}: seeded in ${(seededMs / 1000).toFixed(1)} s`);
      for (const call of mcpCalls(env.connectionId)) {
        if (call.tool && !offered.has(call.tool)) throw new Error(`${kind}: the server does not offer ${call.tool} (tools/list: ${[...offered].join(', ')})`);
        const params = call.method === 'tools/call' ? { name: call.tool, arguments: call.args } : {};
        ctx.log(`${kind}: MCP ${call.label} (${call.tool ?? call.method}): ${calls} calls, ${concurrency} at once`);
        // Warm-up: compile paths and fill caches before measuring; and check that the answers are worth measuring.
        const warm = await Promise.all(Array.from({ length: concurrency }, (_, i) => rpc(url, i, call.method, params)));
        const useless = warm.find((a) => !a.ok || !call.holds(a.body?.result));
        if (useless) throw new Error(`${kind}: ${call.tool ?? call.method} answered ${JSON.stringify(useless.body).slice(0, 500)}`);
        const meter = new CpuMeter({ 'tributary serve': server.child.pid }, kind === 'postgres');
        const latencies: number[] = [];
        let errors = 0;
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < calls) {
              const id = next++;
              const t0 = performance.now();
              const answer = await rpc(url, id, call.method, params).catch(() => ({ ok: false, body: undefined }));
              if (answer.ok) latencies.push(performance.now() - t0);
              else errors++;
            }
          }),
        );
        const elapsedMs = performance.now() - started;
        const cpu = meter.stop();
        latencies.sort((a, b) => a - b);
        const item: McpLatencyResult = {
          database: kind,
          call: `${call.label}${call.tool ? ` (${call.tool})` : ''}`,
          calls,
          concurrency,
          errors,
          p50_ms: percentile(latencies, 50),
          p90_ms: percentile(latencies, 90),
          p99_ms: percentile(latencies, 99),
          max_ms: percentile(latencies, 100),
          calls_per_s: Math.round((calls / elapsedMs) * 1000),
          cpu,
        };
        results.push(item);
        ctx.target('mcp', `${kind}: MCP ${call.label} p99 at ${concurrency} concurrent (ms)`, item.p99_ms, 'recorded', errors === 0);
      }
    } finally {
      if (!env.serve) await server.close();
    }
  }
  console.log(
    table(
      `MCP tool-call latency (${calls} stateless calls, ${concurrency} concurrent)`,
      ['database', 'call', 'calls/s', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'server CPU s'],
      results.map((r) => [r.database, r.call, r.calls_per_s, r.errors, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.cpu.cpuS['tributary serve'] ?? null]),
    ),
  );
  return results;
}
