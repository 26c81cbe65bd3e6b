import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchParams } from './args.js';
import { CpuMeter, repoRoot, type Child, type CpuFigures } from './processes.js';
import type { Target } from './report.js';
import { startSandbox, type SandboxProcess } from './sandbox.js';
import {
  createGithubConnection,
  processedOf,
  startControlPlane,
  startRun,
  startServe,
  startWorker,
  timingOf,
  waitForRun,
  type Api,
  type ControlPlane,
  type DbKind,
  type RunView,
  type ServeProcess,
} from './tributary.js';

/**
 * A synced GitHub connection on one database, shared by the scenarios that need one (full sync, re-sync, API):
 * a sandbox with `records` issues, and the process that runs the engine — a `tributary worker` on PostgreSQL
 * (the API and queue run inside the benchmark), `tributary serve` on PGlite (the embedded database serves one
 * process, so API and worker share it, as in production).
 */
export interface SyncEnv {
  kind: DbKind;
  records: number;
  sandbox: SandboxProcess;
  api: Api;
  connectionId: string;
  /** The process executing runs. */
  engine: Child;
  control: ControlPlane | undefined;
  serve: ServeProcess | undefined;
  /** The first (full) sync, once done. */
  fullSync: RunMeasure | undefined;
}

export interface RunMeasure {
  runId: string;
  status: string;
  mode: string;
  /** Records the stream went through (created + updated + unchanged). */
  records: number;
  counts: { created: number; updated: number; unchanged: number; deleted: number };
  queued_ms: number;
  /** From the worker taking the run to COMPLETED (run.started_at → completed_at). */
  engine_ms: number;
  /** Records per second of engine time. */
  rate: number;
  /** CPU seconds per process over the run (wall seconds alongside): where the two cores went. */
  cpu: CpuFigures;
  /** The engine's own account of the stream (its completion log line): committing vs waiting for the reader. */
  split: StreamSplit | null;
}

export interface StreamSplit {
  ms: number;
  commit_ms: number;
  /** Of `commit_ms`, the time the sync waited for a commit (the rest overlapped reading). */
  commit_wait_ms?: number;
  commits: number;
  read_wait_ms: number;
  finish_ms: number;
}

/** The stream's timing line from the run's logs (see src/engine/stream-sync.ts). */
export async function streamSplit(api: Api, runId: string, stream = 'issues'): Promise<StreamSplit | null> {
  const logs = await api.request<{ data: { message: string; data: Record<string, unknown> | null }[] }>('GET', `/runs/${runId}/logs?limit=1000`);
  const line = logs.data.find((l) => l.message.startsWith(`${stream}: `) && l.data && typeof l.data['commit_ms'] === 'number');
  return line ? (line.data as unknown as StreamSplit) : null;
}

export class BenchContext {
  readonly targets: Target[] = [];
  readonly results: Record<string, unknown> = {};
  private readonly envs = new Map<DbKind, Promise<SyncEnv>>();
  private readonly cleanups: (() => Promise<void>)[] = [];
  readonly profileDir: string;

  constructor(readonly params: BenchParams) {
    this.profileDir = path.join(repoRoot, 'bench', 'results', 'profiles');
  }

  log(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  }

  /**
   * Node flags for the processes whose profile matters (workers, servers, loaders) when `--profile`: one folder
   * per process, since each of its threads (tsx's loader runs in one) writes a profile of its own.
   */
  async nodeFlags(label: string): Promise<string[] | undefined> {
    const extra = label.startsWith('sandbox') ? [] : this.params.nodeFlags;
    if (!this.params.profile) return extra.length > 0 ? extra : undefined;
    const dir = path.join(this.profileDir, `${label}-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    return [...extra, '--cpu-prof', `--cpu-prof-dir=${dir}`];
  }

  onCleanup(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch((error: unknown) => this.log(`cleanup: ${String(error)}`));
    this.cleanups.length = 0;
  }

  target(scenario: string, name: string, value: number, target: string, met: boolean): void {
    this.targets.push({ scenario, name, value, target, met });
  }

  /** The shared environment of a database, started on first use (not synced: see `syncedEnv`). */
  env(kind: DbKind): Promise<SyncEnv> {
    let env = this.envs.get(kind);
    if (!env) {
      env = this.startEnv(kind);
      this.envs.set(kind, env);
    }
    return env;
  }

  /** The environment with its first full sync done (measured, and kept as `fullSync`). */
  async syncedEnv(kind: DbKind): Promise<SyncEnv> {
    const env = await this.env(kind);
    if (!env.fullSync) {
      this.log(`${kind}: first sync of ${env.records.toLocaleString('en-US')} issues`);
      env.fullSync = await this.measureRun(env, { streams: ['issues'] });
    }
    return env;
  }

  private async startEnv(kind: DbKind): Promise<SyncEnv> {
    const { params } = this;
    this.log(`${kind}: starting the sandbox (${params.records.toLocaleString('en-US')} issues) and Tributary`);
    const sandbox = await startSandbox({ records: params.records, seed: params.seed, nodeFlags: await this.nodeFlags(`sandbox-${kind}`) });
    this.onCleanup(() => sandbox.stop());
    let control: ControlPlane | undefined;
    let serve: ServeProcess | undefined;
    let engine: Child;
    let api: Api;
    if (kind === 'postgres') {
      control = await startControlPlane(params.databaseUrl, 'bench_sync', [sandbox.host]);
      this.onCleanup(() => control!.close());
      engine = await startWorker('worker (sync)', params.databaseUrl, 'bench_sync', [sandbox.host], 1, { nodeFlags: await this.nodeFlags('worker-postgres') });
      this.onCleanup(() => engine.stop());
      api = control.api;
    } else {
      serve = await startServe('serve (pglite)', { kind: 'pglite' }, [sandbox.host], { nodeFlags: await this.nodeFlags('serve-pglite') });
      this.onCleanup(() => serve!.close());
      engine = serve.child;
      api = serve.api;
    }
    const connectionId = await createGithubConnection(api, sandbox, `bench ${kind}`);
    return { kind, records: params.records, sandbox, api, connectionId, engine, control, serve, fullSync: undefined };
  }

  /** Starts a run on the env's connection, waits for it, and measures it. */
  async measureRun(env: SyncEnv, body: { streams?: string[]; full_refresh?: boolean }): Promise<RunMeasure> {
    const meter = new CpuMeter({ [env.kind === 'postgres' ? 'tributary worker' : 'tributary serve (+PGlite)']: env.engine.pid, sandbox: env.sandbox.child.pid }, env.kind === 'postgres');
    const runId = await startRun(env.api, env.connectionId, body);
    const run = await waitForRun(env.api, runId, 60 * 60_000, 200);
    const cpu = meter.stop();
    return measureOf(run, cpu, await streamSplit(env.api, runId));
  }
}

export function measureOf(run: RunView, cpu: RunMeasure['cpu'], split: StreamSplit | null, stream = 'issues'): RunMeasure {
  const { queuedMs, engineMs } = timingOf(run);
  const counts = run.streams.find((s) => s.stream === stream) ?? { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  const records = processedOf(run, stream);
  return {
    runId: run.id,
    status: run.status,
    mode: run.mode,
    records,
    counts: { created: counts.created, updated: counts.updated, unchanged: counts.unchanged, deleted: counts.deleted },
    queued_ms: queuedMs,
    engine_ms: engineMs,
    rate: Math.round((records / Math.max(1, engineMs)) * 1000),
    cpu,
    split,
  };
}
