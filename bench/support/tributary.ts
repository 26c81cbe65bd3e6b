import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { readConfig } from '../../src/cli/config.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import { Keyring } from '../../src/core/keyring.js';
import { freePort, sleep, spawnTributary, type Child } from './processes.js';
import type { SandboxProcess } from './sandbox.js';

/** Tributary as the benchmark drives it: through its HTTP API, in-process (inject) or over the network. */
export const ADMIN_KEY = 'trb_bench_admin_key_0000000000000001';
export type DbKind = 'postgres' | 'pglite';

export interface Api {
  key: string;
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

function check(method: string, path: string, status: number, text: string): unknown {
  if (status < 200 || status >= 300) throw new Error(`${method} ${path} answered ${status}: ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
}

export function injectApi(app: FastifyInstance, key: string): Api {
  return {
    key,
    async request(method, path, body) {
      const res = await app.inject({
        method: method as 'GET',
        url: `/api/v1${path}`,
        headers: { authorization: `Bearer ${key}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return check(method, path, res.statusCode, res.body) as any;
    },
  };
}

export function httpApi(baseUrl: string, key: string): Api {
  return {
    key,
    async request(method, path, body) {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return check(method, path, res.status, await res.text()) as any;
    },
  };
}

export const encryptionKeys = new Keyring([Keyring.generateKey('bench1')]).format();

/**
 * The API and job queue, without workers, inside the benchmark process, on a PostgreSQL schema of its own: it
 * creates connections and enqueues runs, while separate `tributary worker` processes execute them (so that the
 * worker's memory and CPU are measured alone).
 */
export interface ControlPlane {
  runtime: Runtime;
  api: Api;
  schema: string;
  close(): Promise<void>;
}

export async function startControlPlane(databaseUrl: string, schema: string, allowPrivateHosts: string[]): Promise<ControlPlane> {
  const config = { ...readConfig({}), databaseUrl, encryptionKeys, adminKey: ADMIN_KEY, allowPrivateHosts, logLevel: 'silent' };
  const runtime = await startRuntime(config, { api: true, worker: false, listen: false, logger: pino({ level: 'silent' }), schema });
  return { runtime, api: injectApi(runtime.app!, ADMIN_KEY), schema, close: () => runtime.close() };
}

export interface ProcessOptions {
  nodeFlags?: string[] | undefined;
}

/** `tributary worker` against a PostgreSQL schema. */
export async function startWorker(name: string, databaseUrl: string, schema: string, allowHost: string[], concurrency: number, options: ProcessOptions = {}): Promise<Child> {
  const child = spawnTributary(name, ['worker'], {
    env: {
      DATABASE_URL: databaseUrl,
      TRIBUTARY_DB_SCHEMA: schema,
      TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
      TRIBUTARY_ALLOW_PRIVATE_HOSTS: allowHost.join(','),
      TRIBUTARY_WORKER_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'info',
    },
    ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
  });
  await child.waitForLine(/Tributary worker started/, 90_000);
  return child;
}

export interface ServeProcess {
  child: Child;
  url: string;
  api: Api;
  /** The PGlite data folder, removed by `close`. */
  dataDir: string | undefined;
  close(): Promise<void>;
}

/**
 * `tributary serve`: API + scheduler + in-process workers. On PGlite (no DATABASE_URL) it is the whole product
 * in one process, on a fresh data folder. Request logging is off (`LOG_LEVEL=warn`): at 500 requests/s the
 * two info lines per request would be part of what is measured.
 */
export async function startServe(name: string, target: { kind: 'pglite' } | { kind: 'postgres'; databaseUrl: string; schema: string }, allowHost: string[], options: ProcessOptions = {}): Promise<ServeProcess> {
  const port = await freePort();
  const dataDir = target.kind === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'tributary-bench-')) : undefined;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    TRIBUTARY_ADMIN_KEY: ADMIN_KEY,
    TRIBUTARY_ALLOW_PRIVATE_HOSTS: allowHost.join(','),
    TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
    LOG_LEVEL: 'warn',
    // The MCP scenario sends thousands of calls with one key: the per-key limit would be what it measures.
    TRIBUTARY_MCP_RATE_LIMIT: '1000000',
  };
  if (target.kind === 'pglite') env['TRIBUTARY_DATA_DIR'] = dataDir!;
  else {
    env['DATABASE_URL'] = target.databaseUrl;
    env['TRIBUTARY_DB_SCHEMA'] = target.schema;
  }
  const child = spawnTributary(name, ['serve'], { env, ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}) });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!child.isRunning()) throw new Error(`${name} exited before listening:\n${child.lines.slice(-20).join('\n')}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${name} did not answer /health within 120 s`);
    await sleep(200);
  }
  return {
    child,
    url,
    api: httpApi(url, ADMIN_KEY),
    dataDir,
    async close() {
      await child.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createGithubConnection(api: Api, sandbox: SandboxProcess, name: string): Promise<string> {
  const created = await api.request<{ id: string }>('POST', '/connections', {
    connector: 'github',
    name,
    fields: { token: sandbox.token },
    config: { base_url: sandbox.url },
  });
  return created.id;
}

export interface StreamCounts {
  stream: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export interface RunView {
  id: string;
  status: string;
  mode: string;
  error: string | null;
  attempts: number;
  streams: StreamCounts[];
  totals: { created: number; updated: number; unchanged: number; deleted: number; failed: number };
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export async function startRun(api: Api, connectionId: string, body: { streams?: string[]; full_refresh?: boolean }): Promise<string> {
  const res = await api.request<{ run: { id: string }; existing: boolean }>('POST', `/connections/${connectionId}/runs`, body);
  if (res.existing) throw new Error(`connection ${connectionId} already had an active run`);
  return res.run.id;
}

export async function waitForRun(api: Api, runId: string, timeoutMs: number, everyMs = 250): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api.request<RunView>('GET', `/runs/${runId}`);
    if (run.status === 'COMPLETED') return run;
    if (run.status === 'FAILED' || run.status === 'CANCELLED') throw new Error(`run ${runId} ended ${run.status}: ${run.error}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Records a run went through: every one read lands in exactly one of created, updated, unchanged. */
export function processedOf(run: RunView, stream = 'issues'): number {
  const s = run.streams.find((x) => x.stream === stream);
  return s ? s.created + s.updated + s.unchanged : 0;
}

export function timingOf(run: RunView): { queuedMs: number; engineMs: number } {
  const created = Date.parse(run.created_at);
  const started = Date.parse(run.started_at ?? run.created_at);
  const completed = Date.parse(run.completed_at ?? run.started_at ?? run.created_at);
  return { queuedMs: started - created, engineMs: completed - started };
}
