import { availableParallelism } from 'node:os';
import type { BenchContext, RunMeasure } from '../support/context.js';
import { rawLoad, type RawLoadResult } from '../support/raw-load.js';
import { ratio, seconds, table } from '../support/report.js';
import type { DbKind } from '../support/tributary.js';

/**
 * Scenario 1 — full sync against the database's own limit. For each database: a minimal loader (no engine)
 * upserts the sandbox's issues with multi-row `INSERT … ON CONFLICT` in batches of 1,000 (rows fetched
 * beforehand, writes timed); then Tributary syncs the same issues from the sandbox over HTTP (a first sync:
 * read, hash, compare, write, checkpoint per batch). The ratio is engine rate / raw rate.
 */
export interface FullSyncResult {
  database: DbKind;
  records: number;
  bytes_per_record: number;
  raw: RawLoadResult;
  engine: RunMeasure;
  ratio: number;
}

export async function fullSyncScenario(ctx: BenchContext): Promise<FullSyncResult[]> {
  const results: FullSyncResult[] = [];
  for (const kind of ctx.params.databases) {
    const env = await ctx.env(kind);
    ctx.log(`${kind}: raw loader (no engine), ${env.records.toLocaleString('en-US')} issues`);
    const raw = await rawLoad(kind, env.sandbox, ctx.params.databaseUrl, await ctx.nodeFlags(`raw-loader-${kind}`));
    if (env.fullSync) throw new Error(`${kind}: the connection was already synced; run the full-sync scenario first`);
    const synced = await ctx.syncedEnv(kind);
    const engine = synced.fullSync!;
    if (engine.counts.created !== raw.records) throw new Error(`${kind}: the engine created ${engine.counts.created} records, the raw loader wrote ${raw.records}`);
    const r = ratio(engine.rate, raw.rate);
    results.push({ database: kind, records: raw.records, bytes_per_record: raw.bytes_per_record, raw, engine, ratio: r });
    ctx.target('full', `${kind}: full sync / raw upsert`, r, '≥ 0.8', r >= 0.8);
  }
  console.log(
    table(
      'Full sync (issues stream, first sync) vs. raw upsert of the same rows',
      ['database', 'records', 'bytes/record', 'raw upsert rec/s', 'raw write s', 'raw CPU s: loader / postgres', 'engine rec/s', 'engine s', 'ratio', 'engine s: commit / wait reader', 'CPU s: engine / sandbox / postgres; whole machine busy of available'],
      results.map((r) => [
        r.database,
        r.records,
        r.bytes_per_record,
        r.raw.rate,
        seconds(r.raw.write_ms),
        `${r.raw.cpu_s['loader']?.toFixed(1)} / ${r.raw.cpu_s['postgres server']?.toFixed(1) ?? '—'}`,
        r.engine.rate,
        seconds(r.engine.engine_ms),
        r.ratio,
        splitSummary(r.engine),
        cpuSummary(r.engine),
      ]),
    ),
  );
  return results;
}

/**
 * `engine / sandbox / postgres` CPU seconds over the run, then the whole machine's busy CPU seconds out of
 * what its cores offered: when the machine is busier than these three, something else was running too.
 */
export function cpuSummary(m: RunMeasure): string {
  const c = m.cpu.cpuS;
  const engineName = c['tributary worker'] !== undefined ? 'tributary worker' : 'tributary serve (+PGlite)';
  const engine = c[engineName];
  const kernel = m.cpu.systemS?.[engineName];
  const parts = [engine === undefined ? '—' : `${engine.toFixed(1)}${kernel !== undefined ? ` (${kernel.toFixed(1)} kernel)` : ''}`, c['sandbox'], c['postgres server']];
  const text = parts.map((v) => (v === undefined ? '—' : typeof v === 'number' ? v.toFixed(1) : v)).join(' / ');
  const machine = m.cpu.machineBusyS === undefined ? '' : `; machine ${m.cpu.machineBusyS.toFixed(1)} of ${(m.cpu.wallS * availableParallelism()).toFixed(1)}`;
  return `${text}${machine}`;
}

export function splitSummary(m: RunMeasure): string {
  if (!m.split) return '—';
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const waited = m.split.commit_wait_ms === undefined ? '' : ` (${s(m.split.commit_wait_ms)} waited)`;
  return `${s(m.split.commit_ms)}${waited} / ${s(m.split.read_wait_ms)}${m.split.finish_ms >= 100 ? ` (+${s(m.split.finish_ms)} completing)` : ''}`;
}
