import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { Catalog } from '../src/core/catalog.js';
import { newId } from '../src/core/ids.js';
import { insertConnection } from '../src/db/queries/connections.js';
import { countRecords } from '../src/db/queries/records/record-counts.js';
import { getRunById, listRunStreams } from '../src/db/queries/runs.js';
import { defaultEngineOptions } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { databaseKinds } from './support/databases.js';
import { latch, untilAborted } from './support/latch.js';
import { eventually, insertPendingRun } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * A worker that stalls past its heartbeat has its job handed to another worker while it is still alive. The
 * newer attempt owns the run; the older one must notice and stop without finishing or failing the run.
 */
const TOTAL = 400;
/** Pages the first attempt commits before it stalls (the stall is what makes a worker miss its heartbeat). */
const STALL_AFTER_PAGES = 3;

/**
 * A connector whose first reader (the first attempt) commits a few pages, says so, then stalls until its run
 * aborts it; later readers page through to the end. No timing: the first attempt can only stop by noticing the
 * takeover, and the second starts only once the first has committed work to resume from.
 */
function stallingConnector() {
  const stalled = latch();
  let readers = 0;
  /** The page each reader started from. */
  const startPages: number[] = [];
  const connector: ConnectorDefinition = {
    manifest: testManifest({
      id: 'slow_test',
      name: 'Slow test',
      description: 'Pages slowly, resumable by page number',
      streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
    }),
    streams: {
      async *items(ctx): AsyncGenerator<StreamMessage> {
        const first = ++readers === 1;
        startPages.push(Number(ctx.state?.['page'] ?? 0));
        for (let page = Number(ctx.state?.['page'] ?? 0); page * 20 < TOTAL; page++) {
          if (first && page === STALL_AFTER_PAGES) {
            stalled.open();
            await untilAborted(ctx.signal);
          }
          yield { type: 'records', records: Array.from({ length: 20 }, (_, i) => ({ id: `r${page * 20 + i}` })) };
          yield { type: 'state', state: { page: page + 1 } };
        }
      },
    },
  };
  return { connector, stalled, startPages };
}

describe.each(databaseKinds)('a superseded attempt stops on %s', (kind) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false });
  });
  afterAll(async () => rt?.stop());

  it('lets the newer attempt finish the run with every record counted once', async () => {
    const connectionId = newId('conn');
    await insertConnection(rt.database.db, { id: connectionId, workspaceId: rt.bootstrap!.workspaceId, connectorId: 'slow_test', name: 'slow', status: 'connected' });
    const run = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId, streams: ['items'] });
    const { connector, stalled, startPages } = stallingConnector();
    const deps = { db: rt.database.db, catalog: new Catalog([connector]), vault: rt.vault, logger: rt.logger, providerTraffic: new ProviderTraffic(), options: { ...defaultEngineOptions, batchSize: 20, heartbeatMs: 100 } };
    const first = executeRun(deps, run.id, { final: false });
    // The first attempt has committed pages and stalls: its job is handed to a second attempt meanwhile.
    await stalled.opened;
    await eventually(async () => (await listRunStreams(rt.database.db, [run.id]))[0]?.state?.['page'] === STALL_AFTER_PAGES, 'the first attempt to commit its last checkpoint', 60_000);
    const second = await executeRun(deps, run.id, { final: false });
    expect((await first).status).toBe('SKIPPED');
    expect(startPages, 'the second attempt resumed from the first one\'s checkpoint').toEqual([0, STALL_AFTER_PAGES]);
    expect(second.status).toBe('COMPLETED');
    expect(await getRunById(rt.database.db, run.id)).toMatchObject({ status: 'COMPLETED', attempts: 2 });
    const [counts] = await listRunStreams(rt.database.db, [run.id]);
    expect(counts!.created).toBe(TOTAL);
    expect(await countRecords(rt.database.db, { schema: rt.bootstrap!.dataSchema, table: 'slow_test_items' }, connectionId)).toEqual({ live: TOTAL, deleted: 0 });
  });
});
