import type { BenchContext } from '../support/context.js';
import { CpuMeter, type CpuFigures } from '../support/processes.js';
import { table } from '../support/report.js';
import { ADMIN_KEY, startServe, type DbKind } from '../support/tributary.js';

/**
 * Scenario — MCP tool-call latency: `calls` JSON-RPC `tools/call` requests, `concurrency` in flight at once, POSTed
 * statelessly to `/mcp` of a `tributary serve` holding the synced connection (each request authenticates, builds
 * its server and runs the tool: what any process behind a load balancer does). Latency is from send to the
 * JSON-RPC answer read off the SSE response. `tools/list` is the floor (no database work). Tools this build lacks
 * are skipped with a note, so the lead can re-run it as tools land (names in `toolCalls`).
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

const calls = 2000;
const concurrency = 100;

/** What to call, by label; the first tool of each list that the server offers is used. */
function toolCalls(connectionId: string): { label: string; method: string; candidates: { name: string; args: Record<string, unknown> }[] }[] {
  return [
    { label: 'tools/list', method: 'tools/list', candidates: [{ name: '', args: {} }] },
    { label: 'CRM search', method: 'tools/call', candidates: [{ name: 'search_companies', args: { query: 'a', limit: 20 } }, { name: 'crm_search', args: { entity: 'companies', query: 'a', limit: 20 } }] },
    {
      label: 'stream query (issues, 100 rows)',
      method: 'tools/call',
      candidates: [
        { name: 'query_stream', args: { connection_id: connectionId, stream: 'issues', limit: 100 } },
        { name: 'query_stream_rows', args: { connection_id: connectionId, stream: 'issues', limit: 100 } },
      ],
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
  for (const kind of ctx.params.databases) {
    const env = await ctx.syncedEnv(kind);
    const server =
      env.serve ?? (await startServe('serve (mcp, postgres)', { kind: 'postgres', databaseUrl: ctx.params.databaseUrl, schema: env.control!.schema }, [env.sandbox.host], { nodeFlags: await ctx.nodeFlags('serve-mcp-postgres') }));
    try {
      const url = `${server.url}/mcp`;
      const listed = await rpc(url, 0, 'tools/list', {});
      const offered = new Set<string>((listed.body?.result?.tools ?? []).map((t: { name: string }) => t.name));
      for (const call of toolCalls(env.connectionId)) {
        const chosen = call.method === 'tools/list' ? call.candidates[0] : call.candidates.find((c) => offered.has(c.name));
        if (!chosen) {
          ctx.log(`${kind}: MCP ${call.label}: none of ${call.candidates.map((c) => c.name).join(', ')} is offered; skipped`);
          continue;
        }
        const params = call.method === 'tools/call' ? { name: chosen.name, arguments: chosen.args } : {};
        ctx.log(`${kind}: MCP ${call.label} (${chosen.name || call.method}): ${calls} calls, ${concurrency} at once`);
        // Warm-up: compile paths and fill caches before measuring.
        await Promise.all(Array.from({ length: concurrency }, (_, i) => rpc(url, i, call.method, params)));
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
          call: `${call.label}${chosen.name ? ` (${chosen.name})` : ''}`,
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
