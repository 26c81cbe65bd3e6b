import { measureOf, streamSplit, type BenchContext, type RunMeasure } from '../support/context.js';
import { CpuMeter, memoryOf, sampleMemory } from '../support/processes.js';
import { mb, seconds, table } from '../support/report.js';
import { startSandbox } from '../support/sandbox.js';
import { createGithubConnection, startControlPlane, startRun, startWorker, waitForRun } from '../support/tributary.js';
import { cpuSummary } from './full-sync.js';

/**
 * Scenario 3 — memory stays flat whatever the size: for each size, a fresh `tributary worker` process (so its
 * VmHWM, the kernel's peak resident set, belongs to that run alone) syncs that many issues from a fresh sandbox
 * into PostgreSQL; the issues stream only (the issues endpoint also lists a pull request for every four issues,
 * which the stream reads and leaves out).
 */
export interface MemoryResult {
  records: number;
  /** RSS of the worker once started, before the run. */
  idle_rss_mb: number;
  /** VmHWM after the run: the most the process ever held. */
  peak_rss_mb: number;
  run: RunMeasure;
  /** RSS every second of the run, for the curve. */
  rss_curve_mb: number[];
}

export async function memoryScenario(ctx: BenchContext): Promise<{ runs: MemoryResult[]; growth_mb: number }> {
  const runs: MemoryResult[] = [];
  for (const records of ctx.params.memoryRecords) {
    ctx.log(`memory: ${records.toLocaleString('en-US')} issues into PostgreSQL, fresh worker`);
    const sandbox = await startSandbox({ records, seed: ctx.params.seed });
    const schema = `bench_mem_${records}`;
    const control = await startControlPlane(ctx.params.databaseUrl, schema, [sandbox.host]);
    const worker = await startWorker(`worker (memory ${records})`, ctx.params.databaseUrl, schema, [sandbox.host], 1, { nodeFlags: await ctx.nodeFlags(`worker-memory-${records}`) });
    try {
      const connectionId = await createGithubConnection(control.api, sandbox, `memory ${records}`);
      const idle = memoryOf(worker.pid)!.rss;
      const sampler = sampleMemory(worker.pid, 1000);
      const meter = new CpuMeter({ 'tributary worker': worker.pid, sandbox: sandbox.child.pid }, true);
      const runId = await startRun(control.api, connectionId, { streams: ['issues'] });
      const run = await waitForRun(control.api, runId, 60 * 60_000, 500);
      const measure = measureOf(run, meter.stop(), await streamSplit(control.api, runId));
      const memory = sampler.stop();
      if (measure.counts.created !== records) throw new Error(`memory: created ${measure.counts.created} of ${records}`);
      runs.push({ records, idle_rss_mb: mb(idle), peak_rss_mb: mb(memory.peakRss), run: measure, rss_curve_mb: memory.samples.map((s) => mb(s.rss)) });
    } finally {
      await worker.stop();
      await control.close();
      await sandbox.stop();
    }
  }
  const growth = runs.length >= 2 ? Math.round((runs.at(-1)!.peak_rss_mb - runs[0]!.peak_rss_mb) * 10) / 10 : 0;
  if (runs.length >= 2) {
    ctx.target('memory', `worker peak RSS growth ${runs[0]!.records.toLocaleString('en-US')} → ${runs.at(-1)!.records.toLocaleString('en-US')} records (MB)`, growth, '< 50 MB', growth < 50);
  }
  console.log(
    table(
      'Memory: peak RSS (VmHWM) of a `tributary worker` process syncing into PostgreSQL',
      ['records', 'idle RSS MB', 'peak RSS MB', 'max sampled RSS MB', 'rec/s', 'engine s', 'CPU s: worker / sandbox / postgres; whole machine busy of available'],
      runs.map((r) => [r.records, r.idle_rss_mb, r.peak_rss_mb, Math.max(...r.rss_curve_mb), r.run.rate, seconds(r.run.engine_ms), cpuSummary(r.run)]),
    ),
  );
  if (runs.length >= 2) console.log(`peak RSS growth: ${growth} MB`);
  return { runs, growth_mb: growth };
}
