import type { BenchContext, RunMeasure } from '../support/context.js';
import { ratio, seconds, table } from '../support/report.js';
import { cpuSummary, splitSummary } from './full-sync.js';
import type { DbKind } from '../support/tributary.js';

/**
 * Scenario 2 — re-syncs, as ratios to the full sync on the same database:
 * - nothing changed: a full refresh that reads everything again; hashes match, so no record is written (the
 *   run still marks what it saw, for delete detection);
 * - 1% changed: the sandbox updates that share of the issues, then an incremental run reads and writes them.
 */
export interface ResyncResult {
  database: DbKind;
  records: number;
  full: RunMeasure;
  unchanged: RunMeasure;
  changed: RunMeasure;
  changed_records: number;
  /** Unchanged full refresh rate / full sync rate (target ≥ 2). */
  unchanged_rate_ratio: number;
  /** Incremental run's time / full sync's time (target ≤ 0.05). */
  changed_time_ratio: number;
}

export async function resyncScenario(ctx: BenchContext): Promise<ResyncResult[]> {
  const results: ResyncResult[] = [];
  for (const kind of ctx.params.databases) {
    const env = await ctx.syncedEnv(kind);
    const full = env.fullSync!;
    ctx.log(`${kind}: full refresh with nothing changed`);
    const unchanged = await ctx.measureRun(env, { streams: ['issues'], full_refresh: true });
    if (unchanged.counts.unchanged !== full.records || unchanged.counts.created + unchanged.counts.updated + unchanged.counts.deleted !== 0) {
      throw new Error(`${kind}: the unchanged re-sync wrote something: ${JSON.stringify(unchanged.counts)}`);
    }
    const changedRecords = Math.max(1, Math.round(env.records * ctx.params.changedFraction));
    ctx.log(`${kind}: ${changedRecords.toLocaleString('en-US')} issues changed at the sandbox, incremental run`);
    await env.sandbox.change({ stream: 'issues', update: changedRecords });
    const changed = await ctx.measureRun(env, { streams: ['issues'] });
    if (changed.counts.updated !== changedRecords) throw new Error(`${kind}: the incremental run updated ${changed.counts.updated}, expected ${changedRecords}`);
    const rateRatio = ratio(unchanged.rate, full.rate);
    const timeRatio = Math.round((changed.engine_ms / full.engine_ms) * 10_000) / 10_000;
    results.push({ database: kind, records: env.records, full, unchanged, changed, changed_records: changedRecords, unchanged_rate_ratio: rateRatio, changed_time_ratio: timeRatio });
    ctx.target('resync', `${kind}: unchanged full refresh rate / full sync rate`, rateRatio, '≥ 2', rateRatio >= 2);
    ctx.target('resync', `${kind}: ${ctx.params.changedFraction * 100}%-changed incremental time / full sync time`, timeRatio, '≤ 0.05', timeRatio <= 0.05);
  }
  console.log(
    table(
      'Re-sync: nothing changed (full refresh) and 1% changed (incremental), against the full sync',
      ['database', 'run', 'records read', 'written', 'rec/s', 'engine s', 'vs full sync', 'engine s: commit / wait reader', 'CPU s: engine / sandbox / postgres; whole machine busy of available'],
      results.flatMap((r) => [
        [r.database, 'full sync', r.full.records, r.full.counts.created + r.full.counts.updated, r.full.rate, seconds(r.full.engine_ms), '1.00×', splitSummary(r.full), cpuSummary(r.full)],
        [r.database, 'unchanged, full refresh', r.unchanged.records, 0, r.unchanged.rate, seconds(r.unchanged.engine_ms), `${r.unchanged_rate_ratio}× rate`, splitSummary(r.unchanged), cpuSummary(r.unchanged)],
        [r.database, `${r.changed_records} changed, incremental`, r.changed.records, r.changed.counts.updated, r.changed.rate, seconds(r.changed.engine_ms), `${(r.changed_time_ratio * 100).toFixed(1)}% of time`, splitSummary(r.changed), cpuSummary(r.changed)],
      ]),
    ),
  );
  return results;
}
