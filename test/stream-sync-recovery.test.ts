import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamContext, StreamMessage } from '../src/contracts/connector-kit.js';
import type { SyncMode } from '../src/contracts/manifest.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';
import { Catalog } from '../src/core/catalog.js';
import { newId } from '../src/core/ids.js';
import { execute } from '../src/db/db.js';
import { ident } from '../src/db/identifiers.js';
import { insertConnection } from '../src/db/queries/connections.js';
import { addRunStreamCounts, getRunById, listRunStreams } from '../src/db/queries/runs.js';
import { defaultEngineOptions, type EngineDeps } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { WorkerShutdown } from '../src/engine/worker-shutdown.js';
import type { NewWorkspace } from '../src/services/keys/bootstrap-owner.js';
import { sql } from 'drizzle-orm';
import { databaseKinds } from './support/databases.js';
import { injectDbFaults, type DbFault } from './support/db-fault-injector.js';
import { untilAborted } from './support/latch.js';
import { rowCounts, rowIds, streamTable } from './support/record-rows.js';
import { runLogMessages, insertPendingRun } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';

/**
 * The recovery paths of the sync loop (src/engine/stream-sync.ts), one test each, driven by a scripted connector
 * and faults injected through the database port at exactly the statement that matters (no timing). Each test
 * fails if its branch is removed or broken:
 *
 * - a batch commit that failed before running is sent again; one whose answer was lost is not (the run row's
 *   counts say it landed); counts that moved by anything else make the attempt give up as transient
 * - a column dropped by hand between batches: the shape is read again and the batch retyped
 * - a value the database refuses to cast: the batch is written untyped, and that is recorded
 * - a provider that forgets the stream's position (`restart`): the read becomes complete and deletes at the end
 * - provider deletions whose answer was lost are counted once
 * - a shutdown: what was read is committed, and the run is handed back to resume from there
 * - a reader failing after some pages (read-ahead): what came before the error is committed, the retry resumes there
 * - a stream completion whose answer was lost is not applied twice (it would delete every row)
 * - a transient fault on the stream's own bookkeeping (the run counts) is healed in place
 *
 * Elsewhere: a cancellation (test/cancel.test.ts), a superseded attempt (test/engine-supersede.test.ts), a database
 * away for longer than the retries (test/db-faults.test.ts).
 */
const PAGE = 20;
const COMMIT = /upserted as \(insert into/;

type Script = (ctx: StreamContext) => AsyncIterable<StreamMessage>;
let script: Script = () => {
  throw new Error('no script');
};

const connector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'recovery_test',
    name: 'Recovery test',
    description: 'A scripted stream, one script per test',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh', 'incremental'] }],
  }),
  streams: { items: (ctx) => script(ctx) },
};

const records = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: `r${from + i}`, n: from + i }));

/**
 * `total` records in pages of 20, each followed by a checkpoint `{ page }`, resuming from the checkpoint it is
 * given. `starts` collects the page each reader began at; `afterPage(page, ctx)` runs once that page's checkpoint is
 * yielded (to fail, or to stop).
 */
function paged(total: number, options: { starts?: number[]; afterPage?: (page: number, ctx: StreamContext) => Promise<void> | void } = {}): Script {
  return async function* (ctx) {
    const start = Number(ctx.state?.['page'] ?? 0);
    options.starts?.push(start);
    for (let page = start; page * PAGE < total; page++) {
      yield { type: 'records', records: records(page * PAGE, Math.min(total, (page + 1) * PAGE)) };
      yield { type: 'state', state: { page: page + 1 } };
      await options.afterPage?.(page + 1, ctx);
    }
  };
}

describe.each(databaseKinds)('the sync loop recovers on %s', (kind) => {
  let rt: TestRuntime;
  /** Each test its own workspace, so its own tables: one test's dropped column is not the next one's problem. */
  let ws: NewWorkspace;
  // A runtime's start (migrations) can outlast the default hook timeout on a machine shared by several suites.
  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false });
  }, 300_000);
  beforeEach(async () => {
    ws = await rt.workspace();
  });
  afterAll(async () => rt?.stop());

  const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
    db: rt.database.db,
    catalog: new Catalog([connector]),
    vault: rt.vault,
    logger: rt.logger,
    providerTraffic: new ProviderTraffic(),
    // One commit per page; database retries without real waits; no timer heartbeats (the loop beats between pages).
    options: { ...defaultEngineOptions, batchSize: PAGE, heartbeatMs: 600_000, dbRetry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } },
    ...extra,
  });

  const newConnection = async (): Promise<string> => {
    const id = newId('conn');
    await insertConnection(rt.database.db, { id, workspaceId: ws.workspaceId, connectorId: 'recovery_test', name: id, status: 'connected' });
    return id;
  };
  const newRun = async (connectionId: string, mode: SyncMode = 'full_refresh'): Promise<string> => {
    const run = await insertPendingRun(rt.database.db, { workspaceId: ws.workspaceId, connectionId, streams: ['items'], mode });
    return run.id;
  };
  const countsOf = async (runId: string) => {
    const [row] = await listRunStreams(rt.database.db, [runId]);
    if (!row) throw new Error(`run ${runId} has no stream row`);
    return row;
  };
  /** Runs one attempt with `faults` injected for its duration. */
  const attempt = async (runId: string, faults: DbFault[] = [], extra: Partial<EngineDeps> = {}) => {
    const injector = injectDbFaults(rt.database.db, faults);
    try {
      const outcome = await executeRun(deps(extra), runId, { final: false });
      expect(injector.pending(), `faults not met: ${JSON.stringify(faults.map((f) => String(f.statement)))}`).toBe(0);
      return outcome;
    } finally {
      injector.restore();
    }
  };
  /** A connection with one completed full refresh of `total` records. */
  const synced = async (total: number): Promise<string> => {
    const connectionId = await newConnection();
    script = paged(total);
    expect((await attempt(await newRun(connectionId))).status).toBe('COMPLETED');
    return connectionId;
  };

  it('sends a batch commit again when it failed before running', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(100);
    const outcome = await attempt(runId, [{ statement: COMMIT, when: 'before', error: 'admin_shutdown', skip: 2 }]);
    expect(outcome.status).toBe('COMPLETED');
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', created: 100, updated: 0, unchanged: 0 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 100, deleted: 0 });
    expect(await runLogMessages(rt, ws.apiKey, runId)).toContainEqual(expect.stringMatching(/^Database batch commit failed \(57P01\)/));
  });

  it('does not send again a batch commit whose answer was lost: the run row says it landed', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(100);
    const outcome = await attempt(runId, [{ statement: COMMIT, when: 'after', error: 'connection_lost', skip: 1 }]);
    expect(outcome.status).toBe('COMPLETED');
    // Sent twice, the second page would count as 20 unchanged records on top of its 20 created ones.
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', created: 100, updated: 0, unchanged: 0 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 100, deleted: 0 });
  });

  it('gives the attempt up as transient when the counts moved by something else under a lost commit', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(100);
    // Another attempt (this one presumed dead) writes the same run between the lost commit and the check.
    const competing = () => addRunStreamCounts(rt.database.db, runId, 'items', { created: 1, updated: 0, unchanged: 0, deleted: 0, failed: 0 });
    const outcome = await attempt(runId, [{ statement: COMMIT, when: 'after', error: 'connection_lost', skip: 1, run: competing }]);
    expect(outcome).toMatchObject({ status: 'RETRY', error: expect.stringMatching(/the counts of items changed under this attempt/) });
  });

  it('reads the table shape again and retypes the batch when a column was dropped by hand', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(100);
    const table = async () => streamTable(rt, connectionId, 'items');
    // The first batch made the typed column `n`; it is dropped just before the second batch's statement runs.
    const drop = async () => {
      const t = await table();
      await execute(rt.database.db, sql`alter table ${ident(t.schema)}.${ident(t.table)} drop column n`);
    };
    const outcome = await attempt(runId, [{ statement: COMMIT, when: 'before', skip: 1, run: drop }]);
    expect(outcome.status).toBe('COMPLETED');
    expect(await countsOf(runId)).toMatchObject({ created: 100, failed: 0 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 100, deleted: 0 });
  });

  it('writes a batch untyped, and says so, when the database refuses to cast a typed value', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(100);
    script = async function* () {
      for (let page = 0; page < 5; page++) yield { type: 'records', records: records(page * PAGE, (page + 1) * PAGE).map((r) => ({ ...r, n: 40_000 + r.n })) };
    };
    // The typer believes `n` is a bigint column; by hand it became a smallint, which 40,000 does not fit.
    const retype = async () => {
      const t = await streamTable(rt, connectionId, 'items');
      await execute(rt.database.db, sql`alter table ${ident(t.schema)}.${ident(t.table)} alter column n type smallint using null`);
    };
    const outcome = await attempt(runId, [{ statement: COMMIT, when: 'before', skip: 1, run: retype }]);
    expect(outcome.status, (await getRunById(rt.database.db, runId))?.error ?? '').toBe('COMPLETED');
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 100, deleted: 0 });
    expect(await runLogMessages(rt, ws.apiKey, runId)).toContainEqual(expect.stringMatching(/could not be typed and was written with NULL typed columns/));
  });

  it('turns an incremental read the provider lost the position of into a complete one, deleting what it no longer has', async () => {
    const connectionId = await synced(40);
    const runId = await newRun(connectionId, 'incremental');
    script = async function* () {
      yield { type: 'records', records: records(40, 41) };
      yield { type: 'state', state: { cursor: 1 } };
      // The provider forgot the cursor: the stream is read again from the start, and r20…r39 are gone from it.
      yield { type: 'restart' };
      yield { type: 'records', records: [...records(0, 20), ...records(40, 41)] };
      yield { type: 'state', state: { cursor: 2 } };
    };
    const outcome = await attempt(runId);
    expect(outcome.status).toBe('COMPLETED');
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', created: 1, deleted: 20 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 21, deleted: 20 });
    expect((await rowIds(rt, connectionId, 'items')).sort()).toEqual([...records(0, 20), ...records(40, 41)].map((r) => r.id).sort());
    expect(await runLogMessages(rt, ws.apiKey, runId)).toContainEqual(expect.stringMatching(/no longer knows this stream's position/));
  });

  it('counts provider deletions once when the answer of their transaction was lost', async () => {
    const connectionId = await synced(40);
    const runId = await newRun(connectionId, 'incremental');
    script = async function* () {
      yield { type: 'deletes', ids: ['r1', 'r2', 'r3'] };
      yield { type: 'state', state: { cursor: 1 } };
    };
    const outcome = await attempt(runId, [{ statement: /with doomed as/, when: 'after', error: 'connection_lost' }]);
    expect(outcome.status).toBe('COMPLETED');
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', deleted: 3 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 37, deleted: 3 });
  });

  it('commits what it read and hands the run back when the worker shuts down; the next attempt resumes from there', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    const shutdown = new WorkerShutdown();
    const starts: number[] = [];
    // Two pages are read; then the worker is asked to stop, and the provider would answer no further page.
    script = paged(100, {
      starts,
      afterPage: async (page, ctx) => {
        if (page < 2) return;
        shutdown.request();
        await untilAborted(ctx.signal);
      },
    });
    // Big batches: nothing is committed before the stop but by the stop itself.
    const big = { ...deps().options, batchSize: 1000 };
    const handedBack = await attempt(runId, [], { shutdown, options: big });
    expect(handedBack).toMatchObject({ status: 'HANDED_BACK', attempt: 1 });
    const kept = await rowCounts(rt, connectionId, 'items');
    expect(kept.live, 'what was read before the stop is committed').toBeGreaterThan(0);
    const checkpoint = Number((await countsOf(runId)).state?.['page'] ?? 0);
    expect(kept.live, 'the checkpoint covers only committed records').toBeGreaterThanOrEqual(checkpoint * PAGE);
    expect((await getRunById(rt.database.db, runId))?.status).toBe('RUNNING');

    script = paged(100, { starts });
    expect((await attempt(runId)).status).toBe('COMPLETED');
    expect(starts).toEqual([0, checkpoint]);
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 100, deleted: 0 });
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', created: 100 });
  });

  it('commits every page read before a reader failed, so the retry resumes after them', async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    const starts: number[] = [];
    script = paged(100, {
      starts,
      afterPage: (page) => {
        if (page === 3) throw Object.assign(new Error('the provider went away'), { kind: 'transient' });
      },
    });
    expect(await attempt(runId)).toMatchObject({ status: 'RETRY', error: expect.stringMatching(/the provider went away/) });
    expect((await countsOf(runId)).state).toEqual({ page: 3 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 60, deleted: 0 });

    script = paged(100, { starts });
    expect((await attempt(runId)).status).toBe('COMPLETED');
    expect(starts).toEqual([0, 3]);
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', created: 100, unchanged: 0 });
  });

  it('does not apply a stream completion twice when its answer was lost (it would delete every row)', async () => {
    const connectionId = await synced(40);
    const runId = await newRun(connectionId);
    script = paged(30);
    const outcome = await attempt(runId, [{ statement: /seen_batches b cross join lateral/, when: 'after', error: 'connection_lost' }]);
    expect(outcome.status).toBe('COMPLETED');
    expect(await countsOf(runId)).toMatchObject({ status: 'COMPLETED', unchanged: 30, deleted: 10 });
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 30, deleted: 10 });
  });

  it("heals a transient fault on the stream's own bookkeeping (reading the run counts) in place", async () => {
    const connectionId = await newConnection();
    const runId = await newRun(connectionId);
    script = paged(40);
    // The first read of the run's streams is the run's own; the second is the stream's.
    const outcome = await attempt(runId, [{ statement: /from "run_streams" where "run_streams"."run_id" in/, when: 'before', error: 'connection_lost', skip: 1 }]);
    expect(outcome.status).toBe('COMPLETED');
    expect(await runLogMessages(rt, ws.apiKey, runId)).toContainEqual(expect.stringMatching(/^Database reading the run counts failed/));
    expect(await rowCounts(rt, connectionId, 'items')).toEqual({ live: 40, deleted: 0 });
  });
});
