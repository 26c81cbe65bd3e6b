import { parseArgs } from 'node:util';
import type { DbKind } from './tributary.js';

export const scenarioNames = ['full', 'resync', 'memory', 'api', 'connections', 'mcp'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface BenchParams {
  /** Issues synced by the full-sync, re-sync and API scenarios. */
  records: number;
  databases: DbKind[];
  only: ScenarioName[];
  /** Sizes of the memory scenario's runs (PostgreSQL, issues stream only). */
  memoryRecords: number[];
  /** Share of the issues the sandbox changes before the incremental re-sync. */
  changedFraction: number;
  /** Requests per second of the API scenario (autocannon `overallRate`). */
  rate: number;
  durationS: number;
  warmupS: number;
  /** autocannon connections: enough that a slow response does not hold the next request back. */
  apiConnections: number;
  connections: number;
  connectionRecords: number;
  /** Calls per measurement of the MCP scenario (100 in flight at once). */
  mcpCalls: number;
  workers: number;
  workerConcurrency: number;
  databaseUrl: string;
  /** Run the engine's processes with `--cpu-prof` and print where their time went. */
  profile: boolean;
  keepData: boolean;
  out: string;
  seed: number;
  /** Another checkout whose `bin/tributary.js` runs the worker and server processes (before/after comparisons). */
  tributaryRoot: string | undefined;
  /** Extra node flags for the engine's processes (worker, serve, raw loader), e.g. `--max-semi-space-size=32`. */
  nodeFlags: string[];
}

const help = `npm run bench -- [options]

  --records N              issues for full sync, re-sync and API scenarios (default 200000)
  --only LIST              scenarios, comma-separated: ${scenarioNames.join(',')} (default: all)
  --databases LIST         postgres,pglite (default both; memory and connections are PostgreSQL only)
  --memory-records LIST    sizes of the memory runs (default 100000,1000000)
  --changed FRACTION       share changed before the incremental re-sync (default 0.01)
  --rate N                 API requests per second (default 500)
  --duration S             seconds per API measurement (default 10), after --warmup S (default 2)
  --api-connections N      autocannon connections (default 10, autocannon's own default)
  --connections N          connections synced at once (default 200)
  --connection-records N   issues per connection in that scenario (default 200)
  --workers N              worker processes in that scenario (default 2)
  --worker-concurrency N   runs per worker process (default 2, Tributary's default)
  --mcp-calls N            MCP tool calls per measurement, 100 at once (default 2000)
  --database-url URL       PostgreSQL database the bench owns: dropped and re-created
                           (default postgres://postgres@127.0.0.1:5432/tributary_bench)
  --profile                run engine processes with --cpu-prof; print the hottest functions
  --keep-data              keep the bench database afterwards
  --out FILE               JSON results (default bench/results/latest.json)
  --tributary-root DIR     run worker and server processes from another checkout (same harness,
                           sandbox and raw loader): before/after comparisons
  --node-flags "FLAGS"     extra node flags for worker, server and raw loader processes
`;

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
};

export function parseBenchArgs(argv: string[]): BenchParams | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      only: { type: 'string' },
      databases: { type: 'string' },
      'memory-records': { type: 'string' },
      changed: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'api-connections': { type: 'string' },
      connections: { type: 'string' },
      'connection-records': { type: 'string' },
      workers: { type: 'string' },
      'worker-concurrency': { type: 'string' },
      'mcp-calls': { type: 'string' },
      'database-url': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string' },
      'tributary-root': { type: 'string' },
      'node-flags': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return null;
  }
  const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const only = values.only ? list(values.only) : [...scenarioNames];
  for (const name of only) if (!(scenarioNames as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario "${name}" (${scenarioNames.join(', ')})`);
  const databases = values.databases ? list(values.databases) : ['postgres', 'pglite'];
  for (const name of databases) if (name !== 'postgres' && name !== 'pglite') throw new Error(`--databases: "${name}" is neither postgres nor pglite`);
  const changed = values.changed === undefined ? 0.01 : Number(values.changed);
  if (!(changed > 0 && changed <= 1)) throw new Error('--changed must be a fraction in (0, 1]');
  return {
    records: Math.round(positive('records', values.records, 200_000)),
    databases: databases as DbKind[],
    only: only as ScenarioName[],
    memoryRecords: values['memory-records'] ? list(values['memory-records']).map((v) => Math.round(positive('memory-records', v, 0))) : [100_000, 1_000_000],
    changedFraction: changed,
    rate: positive('rate', values.rate, 500),
    durationS: positive('duration', values.duration, 10),
    warmupS: values.warmup === undefined ? 2 : Number(values.warmup),
    apiConnections: Math.round(positive('api-connections', values['api-connections'], 10)),
    connections: Math.round(positive('connections', values.connections, 200)),
    connectionRecords: Math.round(positive('connection-records', values['connection-records'], 200)),
    workers: Math.round(positive('workers', values.workers, 2)),
    workerConcurrency: Math.round(positive('worker-concurrency', values['worker-concurrency'], 2)),
    mcpCalls: Math.round(positive('mcp-calls', values['mcp-calls'], 2000)),
    databaseUrl: values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/tributary_bench',
    profile: values.profile,
    keepData: values['keep-data'],
    out: values.out ?? 'bench/results/latest.json',
    seed: Math.round(positive('seed', values.seed, 7)),
    tributaryRoot: values['tributary-root'],
    nodeFlags: (values['node-flags'] ?? '').split(/\s+/).filter(Boolean),
  };
}
