import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import pg from 'pg';
import { queryRows } from '../src/db/db.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { eventually, install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const TOKEN = 'ghp_health_metrics_token_0123456789abcd';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, strictly: every line a comment (# HELP / # TYPE) or `name{labels} value`. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line, 'a comment line').toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const pair of match![2]?.match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const at = pair.indexOf('=');
      labels[pair.slice(0, at)] = pair.slice(at + 2, -1);
    }
    samples.push({ name: match![1]!, labels, value: Number(match![3]) });
  }
  return samples;
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe.each(databaseKinds)('health and metrics on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 600, seed: 11, token: TOKEN });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host], config: { metricsToken: METRICS_TOKEN } });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const res = await rt.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.raw, samples: parseExposition(res.raw) };
  };

  it('answers live without a key, ready with every check, and keeps GET /health', async () => {
    const live = await rt.inject({ method: 'GET', url: '/health/live' });
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await rt.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { shutting_down: false, database: 'ok', migrations: 'ok', job_queue: 'ok' } });
    const health = await rt.inject({ method: 'GET', url: '/health' });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('lists /health/live, /health/ready and /metrics in the OpenAPI document, open or behind the metrics token', async () => {
    const doc = (await rt.inject({ method: 'GET', url: '/api/v1/openapi.json' })).body;
    expect(doc.paths['/health/live'].get.security).toEqual([]);
    expect(doc.paths['/health/ready'].get.responses).toHaveProperty('503');
    expect(doc.paths['/metrics'].get).toBeDefined();
  });

  it('guards /metrics with the operator token: not open, and a workspace API key does not open it', async () => {
    expect((await rt.inject({ method: 'GET', url: '/metrics' })).status).toBe(401);
    const withApiKey = await rt.inject({ method: 'GET', url: '/metrics', key });
    expect(withApiKey.status).toBe(401);
    expect(withApiKey.body.error.code).toBe('unauthorized');
    expect((await rt.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
  });

  it('moves the run, record and provider-request counters with a sync, and times API calls by route pattern only', async () => {
    const info = sandbox.info();
    const connectionId = await install(rt, key, 'github', { name: 'acme-conn-zq9', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    const { samples: beforeSamples } = await scrape();
    expect(valueOf(beforeSamples, 'tributary_runs_finished_total', { connector: 'github', status: 'COMPLETED' }) ?? 0).toBe(0);

    const run = await syncAndWait(rt, key, connectionId, { streams: ['issues', 'repositories'], full_refresh: true });
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    // The run is read by id: the histogram must show the pattern, never the id.
    expect((await rt.inject({ method: 'GET', url: `/api/v1/runs/${run.id}`, key })).status).toBe(200);
    expect((await rt.inject({ method: 'GET', url: `/api/v1/no/such/${run.id}`, key })).status).toBe(404);

    // The worker counts a run once its handler returns, a moment after the run reads COMPLETED: a scrape may come
    // between the two (Prometheus scrapes periodically and sees it next time), so wait for it on the real counter.
    const { text, samples } = await eventually(async () => {
      const scraped = await scrape();
      return valueOf(scraped.samples, 'tributary_runs_finished_total', { connector: 'github', status: 'COMPLETED' }) === 1 ? scraped : undefined;
    }, 'the finished run counted', 10_000);
    expect(valueOf(samples, 'tributary_runs_finished_total', { connector: 'github', status: 'COMPLETED' })).toBe(1);
    expect(valueOf(samples, 'tributary_runs_running')).toBe(0);
    expect(valueOf(samples, 'tributary_records_synced_total', { connector: 'github', stream: 'issues', kind: 'created' })).toBe(info.counts.issues);
    expect(valueOf(samples, 'tributary_records_synced_total', { connector: 'github', stream: 'repositories', kind: 'created' })).toBe(info.counts.repositories);
    const pages = valueOf(samples, 'tributary_provider_requests_total', { connector: 'github', status: '200' }) ?? 0;
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(info.counts.issues / 100));
    expect(valueOf(samples, 'tributary_api_request_duration_seconds_count', { method: 'GET', route: '/api/v1/runs/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'tributary_api_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'tributary_api_request_duration_seconds_bucket', { method: 'GET', route: '/api/v1/runs/:id', status: '200', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    // The queue gauge is read from pg-boss at scrape time.
    for (const state of ['ready', 'deferred', 'active']) expect(valueOf(samples, 'tributary_queue_jobs', { state })).toBeGreaterThanOrEqual(0);
    // Process metrics come along.
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // No tenant's ids, names or secrets in any label.
    for (const secret of [run.id, connectionId, rt.bootstrap!.workspaceId, 'acme-conn-zq9', TOKEN, key, sandbox.url]) {
      expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes(secret))), secret).toBe(false);
    }
    expect(text).not.toContain(run.id);
    expect(text).not.toContain(TOKEN);
  });
});

describe.each(databaseKinds)('readiness through a shutdown on %s', (kind) => {
  let rt: TestRuntime;
  let closed = false;

  beforeAll(async () => {
    // The delay between readiness turning 503 and the listener closing is the window load balancers get.
    rt = await startTestRuntime(kind, { config: { shutdownDelaySeconds: 3 } });
  });
  afterAll(async () => {
    if (!closed) await rt?.stop();
    else if (kind === 'postgres') await dropSchemas([rt.schema, `${rt.schema}_jobs`, ...dataSchemas]);
  });
  /** The test closes the runtime itself (rt.stop() would read them from a closed database). */
  let dataSchemas: string[] = [];

  it('serves /metrics openly when no metrics token is set', async () => {
    const res = await rt.inject({ method: 'GET', url: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.raw).toContain('# TYPE tributary_runs_finished_total counter');
  });

  it('is not ready while a migration is missing', async () => {
    const [last] = await queryRows<{ tag: string }>(rt.database.db, sql`select tag from schema_migrations order by tag desc limit 1`);
    await rt.database.db.execute(sql`delete from schema_migrations where tag = ${last!.tag}`);
    try {
      const res = await rt.inject({ method: 'GET', url: '/health/ready' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'not_ready', reason: 'migrations_pending', checks: { database: 'ok', migrations: 'failed' } });
    } finally {
      await rt.database.db.execute(sql`insert into schema_migrations (tag) values (${last!.tag})`);
    }
    expect((await rt.inject({ method: 'GET', url: '/health/ready' })).status).toBe(200);
  });

  it('turns ready 503 (shutting_down) first, while live and the API still answer, then closes', async () => {
    if (kind === 'postgres') dataSchemas = (await queryRows<{ data_schema: string }>(rt.database.db, sql`select data_schema from workspaces`)).map((r) => r.data_schema);
    const closing = rt.close();
    closed = true;
    const ready = await rt.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', reason: 'shutting_down', checks: { shutting_down: true } });
    expect((await rt.inject({ method: 'GET', url: '/health/live' })).status).toBe(200);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connectors', key: rt.bootstrap!.apiKey })).status).toBe(200);
    await closing;
    expect(rt.readiness.jobQueueRunning).toBe(false);
  });
});

async function dropSchemas(schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
  } finally {
    await client.end();
  }
}
