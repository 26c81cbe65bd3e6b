/**
 * `npm run bench`: Tributary's engine against the limit of the machine it runs on, measured in the same run.
 * Scenarios (each in bench/scenarios/): full sync vs. a raw loader, re-syncs, worker memory, API latency under
 * load, many connections at once. Tables go to stdout, progress to stderr, and everything (machine,
 * parameters, figures, targets) to bench/results/latest.json. `npm run bench -- --help` lists the flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiLatencyScenario } from './scenarios/api-latency.js';
import { fullSyncScenario } from './scenarios/full-sync.js';
import { manyConnectionsScenario } from './scenarios/many-connections.js';
import { mcpLatencyScenario } from './scenarios/mcp-latency.js';
import { memoryScenario } from './scenarios/memory.js';
import { resyncScenario } from './scenarios/resync.js';
import { parseBenchArgs, type ScenarioName } from './support/args.js';
import { BenchContext } from './support/context.js';
import { machine } from './support/machine.js';
import { dropBenchDatabase, recreateBenchDatabase, serverFacts } from './support/postgres.js';
import { repoRoot, setTributaryRoot, stopAllChildren } from './support/processes.js';
import { processProfiles } from './support/profile.js';
import { table, targetsTable } from './support/report.js';

const scenarios: Record<ScenarioName, (ctx: BenchContext) => Promise<unknown>> = {
  full: fullSyncScenario,
  resync: resyncScenario,
  memory: memoryScenario,
  api: apiLatencyScenario,
  connections: manyConnectionsScenario,
  mcp: mcpLatencyScenario,
};

async function main(): Promise<number> {
  const params = parseBenchArgs(process.argv.slice(2));
  if (!params) return 0;
  const startedAt = new Date();
  if (params.tributaryRoot) setTributaryRoot(params.tributaryRoot);
  const ctx = new BenchContext(params);
  const host = machine();
  ctx.log(`machine: ${host.cpu_model}, ${host.cores} cores, ${host.memory_gb} GB, Node ${host.node}; load average ${host.load_average_at_start.join(' ')}`);
  if (host.load_average_at_start[0]! > host.cores * 0.5) {
    ctx.log(`warning: the machine is busy (load ${host.load_average_at_start[0]} on ${host.cores} cores): figures will be noisy`);
  }
  await recreateBenchDatabase(params.databaseUrl);
  const postgres = await serverFacts(params.databaseUrl);
  console.log(
    table('Machine', ['cpu', 'cores', 'memory GB', 'node', 'postgres', 'fsync / synchronous_commit', 'load at start'], [
      [host.cpu_model, host.cores, host.memory_gb, host.node, postgres['server_version'], `${postgres['fsync']} / ${postgres['synchronous_commit']}`, host.load_average_at_start.join(' ')],
    ]),
  );
  console.log(`Sandbox, Tributary processes and the database share these ${host.cores} cores.`);

  const order: ScenarioName[] = ['full', 'resync', 'api', 'mcp', 'memory', 'connections'];
  const failures: Record<string, string> = {};
  const timings: Record<string, number> = {};
  try {
    for (const name of order) {
      if (!params.only.includes(name)) continue;
      const t0 = Date.now();
      try {
        ctx.results[name] = await scenarios[name](ctx);
      } catch (error) {
        failures[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        ctx.log(`scenario ${name} failed: ${failures[name]}`);
      }
      timings[name] = Math.round((Date.now() - t0) / 100) / 10;
      ctx.log(`scenario ${name}: ${timings[name]} s`);
    }
  } finally {
    await ctx.cleanup();
    await stopAllChildren();
    if (!params.keepData) await dropBenchDatabase(params.databaseUrl).catch((error: unknown) => ctx.log(`drop database: ${String(error)}`));
  }

  let profiles: Awaited<ReturnType<typeof processProfiles>> = [];
  if (params.profile) {
    profiles = await processProfiles(ctx.profileDir, startedAt.getTime());
    for (const { label, summary: p } of profiles) {
      console.log(table(`Profile of ${label} (${p.total_ms} ms sampled, ${p.file}): self time by module`, ['module', 'ms', '%'], p.modules.map((m) => [m.name, m.ms, m.pct])));
      console.log(table(`Profile of ${label}: hottest functions`, ['function', 'ms', '%'], p.functions.map((m) => [m.name, m.ms, m.pct])));
    }
  }

  if (ctx.targets.length > 0) console.log(targetsTable(ctx.targets));
  const finishedAt = new Date();
  const output = {
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_s: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    machine: host,
    postgres,
    note: `sandbox, Tributary processes and the database share the machine's ${host.cores} cores`,
    params,
    scenario_seconds: timings,
    results: ctx.results,
    targets: ctx.targets,
    failures,
    ...(params.profile ? { profiles } : {}),
  };
  const out = path.resolve(repoRoot, params.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\n${Object.keys(ctx.results).length} scenario(s) in ${output.duration_s} s; results in ${path.relative(process.cwd(), out)}`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping the child processes\n`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  },
);
