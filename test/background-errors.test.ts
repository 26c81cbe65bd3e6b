import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import type { BackgroundErrorSource } from '../src/contracts/metrics.js';
import { newId } from '../src/core/ids.js';
import { insertConnection } from '../src/db/queries/connections.js';
import { getRunById } from '../src/db/queries/runs.js';
import { defaultEngineOptions, type EngineDeps } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { injectDbFaults } from './support/db-fault-injector.js';
import { eventually, insertPendingRun } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';

/**
 * Work nobody awaits — a run's log line stored after it was logged, the heartbeat a timer sends while a page is
 * slow, an idle database connection, pg-boss's own background work — never fails silently: each failure is logged
 * with its context and counted in `tributary_background_errors_total{source}`, and the run goes on.
 */

interface Gate {
  started: Promise<void>;
  release: () => void;
}

function newGate(): Gate & { markStarted: () => void; opened: Promise<void> } {
  let markStarted!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { started, markStarted, opened, release };
}

/** A stream that waits for the test before its one page: the loop sits still, and only the heartbeat timer runs. */
let gate = newGate();
const gatedConnector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'gated_test',
    name: 'Gated test',
    description: 'One page, once the test opens the gate',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
  }),
  streams: {
    async *items(): AsyncGenerator<StreamMessage> {
      const mine = gate;
      mine.markStarted();
      await mine.opened;
      yield { type: 'records', records: [{ id: 'a' }, { id: 'b' }] };
    },
  },
};

async function counted(rt: TestRuntime, source: BackgroundErrorSource): Promise<number> {
  const { body } = await rt.metrics.render();
  const match = new RegExp(`^tributary_background_errors_total\\{source="${source}"\\} (\\d+)$`, 'm').exec(body);
  return match ? Number(match[1]) : 0;
}

const logged = (rt: TestRuntime, message: string, context?: string) => rt.logLines.some((line) => line.includes(message) && (context === undefined || line.includes(context)));

describe.each(databaseKinds)('background errors on %s', (kind) => {
  let rt: TestRuntime;

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false, connectors: [gatedConnector] });
  });
  afterAll(async () => rt?.stop());

  const newRun = async (): Promise<string> => {
    const connectionId = newId('conn');
    await insertConnection(rt.database.db, { id: connectionId, workspaceId: rt.bootstrap!.workspaceId, connectorId: 'gated_test', name: connectionId, status: 'connected' });
    const run = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId, streams: ['items'] });
    return run!.id;
  };

  // One attempt per statement: a fault is not healed in place, so it reaches the background path under test.
  const engineDeps = (): EngineDeps => ({
    db: rt.database.db,
    catalog: rt.catalog,
    vault: rt.vault,
    logger: rt.logger,
    metrics: rt.metrics,
    providerTraffic: new ProviderTraffic(),
    options: { ...defaultEngineOptions, heartbeatMs: 50, dbRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
  });

  it('logs and counts a run-log line that could not be stored, and the run completes', async () => {
    const runId = await newRun();
    const before = await counted(rt, 'run_log');
    gate = newGate();
    gate.release();
    const faults = injectDbFaults(rt.database.db, [{ statement: /insert into "run_logs"/, when: 'before', error: 'connection_lost' }]);
    try {
      const outcome = await executeRun(engineDeps(), runId, { final: true });
      expect(outcome.status).toBe('COMPLETED');
    } finally {
      faults.restore();
    }
    expect(faults.pending()).toBe(0);
    expect(logged(rt, 'could not store a run log line', runId)).toBe(true);
    expect(await counted(rt, 'run_log')).toBe(before + 1);
  });

  it('logs and counts a failed heartbeat of the timer, and the run goes on', async () => {
    // This run's stream waits until the heartbeat has failed.
    gate = newGate();
    const runId = await newRun();
    const before = await counted(rt, 'heartbeat');
    const running = executeRun(engineDeps(), runId, { final: true });
    await gate.started;
    // Two beats after the stream started: the start-of-stream checkpoint (its own heartbeat) is behind us, and the
    // loop waits on the gated page, so the next heartbeat statement is the timer's.
    const beat = async () => (await getRunById(rt.database.db, runId))?.heartbeatAt?.getTime();
    for (let i = 0; i < 2; i++) {
      const seen = await beat();
      await eventually(async () => (await beat()) !== seen, 'a heartbeat');
    }
    const faults = injectDbFaults(rt.database.db, [{ statement: /update "runs" set "heartbeat_at"/, when: 'before', error: 'connection_lost' }]);
    try {
      await eventually(async () => logged(rt, 'run heartbeat failed', runId), 'the failed heartbeat logged');
    } finally {
      faults.restore();
      gate.release();
    }
    expect((await running).status).toBe('COMPLETED');
    expect(await counted(rt, 'heartbeat')).toBe(before + 1);
  });

  // PGlite has no pool (one in-process connection), so this case exists only on PostgreSQL: defined, not skipped.
  if (kind === 'postgres') it('logs and counts an idle pooled connection that broke, and the pool goes on', async () => {
    if (rt.database.driver.kind !== 'postgres') return;
    const pool = rt.database.driver.pool;
    const before = await counted(rt, 'db_pool');
    // A connection left idle in the pool, whose backend the server then terminates (a restart, an admin's kill).
    const client = await pool.connect();
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    client.release();
    // From outside the pool: a checkout could hand back the very connection to be terminated.
    const other = new pg.Client({ connectionString: testDatabaseUrl });
    await other.connect();
    try {
      await other.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await other.end();
    }
    await eventually(async () => logged(rt, 'database pool: an idle connection failed'), 'the pool error logged');
    expect(await counted(rt, 'db_pool')).toBe(before + 1);
    expect((await pool.query('select 1 as one')).rows[0]).toEqual({ one: 1 });
  });

  it('logs and counts an error pg-boss reports of its own background work', async () => {
    const before = await counted(rt, 'job_queue');
    rt.boss.emit('error', new Error('maintenance failed: test'));
    expect(logged(rt, 'job queue error', 'maintenance failed: test')).toBe(true);
    expect(await counted(rt, 'job_queue')).toBe(before + 1);
  });
});
