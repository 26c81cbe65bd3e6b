import { insertPendingRun } from './support/run-helpers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { Catalog } from '../src/core/catalog.js';
import { newId } from '../src/core/ids.js';
import { insertConnection } from '../src/db/queries/connections.js';
import { changeKinds, listRecords } from '../src/db/queries/records/change-feed.js';
import { listRunStreams } from '../src/db/queries/runs.js';
import { getStreamState } from '../src/db/queries/stream-states.js';
import { defaultEngineOptions } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * A provider that reports deletions itself (events, tombstones): the engine applies them in incremental runs,
 * counts them, and a page of records plus its checkpoint always commit together.
 */
let provider: {
  rows: Map<string, { id: string; v: number }>;
  events: ({ kind: 'upsert'; id: string } | { kind: 'delete'; id: string })[];
  /** The event log no longer reaches back to the reader's position (Gmail's expired historyId, Stripe's 30 days). */
  expired?: boolean;
};

const eventsConnector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'events_test',
    name: 'Events test',
    description: 'A provider with an event log, for engine tests',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], cursor_field: 'seq', sync_modes: ['full_refresh', 'incremental'] }],
  }),
  streams: {
    async *items(ctx): AsyncGenerator<StreamMessage> {
      if (ctx.mode === 'full_refresh' || !ctx.state) {
        const all = [...provider.rows.values()];
        for (let i = 0; i < all.length; i += 10) yield { type: 'records', records: all.slice(i, i + 10) };
        yield { type: 'state', state: { seq: provider.events.length } };
        return;
      }
      if (provider.expired) {
        // Half a page of the old position first, as a reader that finds out on its second request would.
        yield { type: 'records', records: [...provider.rows.values()].slice(0, 3) };
        yield { type: 'restart' };
        const all = [...provider.rows.values()];
        for (let i = 0; i < all.length; i += 10) yield { type: 'records', records: all.slice(i, i + 10) };
        yield { type: 'state', state: { seq: provider.events.length } };
        return;
      }
      const from = Number(ctx.state['seq']);
      for (let seq = from; seq < provider.events.length; seq++) {
        const event = provider.events[seq]!;
        if (event.kind === 'delete') yield { type: 'deletes', ids: [event.id] };
        else yield { type: 'records', records: [provider.rows.get(event.id)!] };
        yield { type: 'state', state: { seq: seq + 1 } };
      }
    },
  },
};

describe.each(databaseKinds)('engine applies provider-reported deletions on %s', (kind) => {
  let rt: TestRuntime;
  let connectionId: string;
  const catalog = new Catalog([eventsConnector]);

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false });
    connectionId = newId('conn');
    await insertConnection(rt.database.db, { id: connectionId, workspaceId: rt.bootstrap!.workspaceId, connectorId: 'events_test', name: 'events', status: 'connected' });
    provider = { rows: new Map(), events: [] };
    for (let i = 0; i < 95; i++) provider.rows.set(`i${i}`, { id: `i${i}`, v: 0 });
  });
  afterAll(async () => rt?.stop());

  const run = async (mode: 'incremental' | 'full_refresh') => {
    const run = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId, streams: ['items'], mode });
    const outcome = await executeRun(
      { db: rt.database.db, catalog, vault: rt.vault, logger: rt.logger, providerTraffic: new ProviderTraffic(), options: { ...defaultEngineOptions, batchSize: 25 } },
      run.id,
      { final: true },
    );
    const [counts] = await listRunStreams(rt.database.db, [run.id]);
    return { outcome, counts: counts! };
  };

  it('syncs everything first, then applies updates and tombstones incrementally', async () => {
    const first = await run('incremental');
    expect(first.outcome.status).toBe('COMPLETED');
    expect(first.counts).toMatchObject({ created: 95, updated: 0, deleted: 0 });
    expect(await getStreamState(rt.database.db, connectionId, 'items')).toEqual({ seq: 0 });

    provider.rows.set('i3', { id: 'i3', v: 1 });
    provider.events.push({ kind: 'upsert', id: 'i3' }, { kind: 'delete', id: 'i7' }, { kind: 'delete', id: 'i8' }, { kind: 'delete', id: 'missing' });
    provider.rows.delete('i7');
    provider.rows.delete('i8');
    const second = await run('incremental');
    expect(second.outcome.status).toBe('COMPLETED');
    // A tombstone for a row never seen deletes nothing and counts nothing.
    expect(second.counts).toMatchObject({ created: 0, updated: 1, deleted: 2 });
    expect(await getStreamState(rt.database.db, connectionId, 'items')).toEqual({ seq: 4 });

    const table = { schema: rt.bootstrap!.dataSchema, table: 'events_test_items' };
    const rows = await listRecords(rt.database.db, table, connectionId, { limit: 1000, changes: changeKinds });
    expect(rows.filter((r) => r.deleted_at !== null).map((r) => r.id).sort()).toEqual(['i7', 'i8']);
    expect(rows.find((r) => r.id === 'i3')!.data).toEqual({ id: 'i3', v: 1 });

    // A deleted record that comes back is revived and counted as updated.
    provider.rows.set('i7', { id: 'i7', v: 0 });
    provider.events.push({ kind: 'upsert', id: 'i7' });
    const third = await run('incremental');
    expect(third.counts).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    const revived = await listRecords(rt.database.db, table, connectionId, { limit: 1000 });
    expect(revived.map((r) => r.id)).toContain('i7');

    // A full refresh agrees with the provider: nothing to create, nothing to delete.
    const full = await run('full_refresh');
    expect(full.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 94 });
  });

  it('an incremental read that lost its place reads complete and deletes what the provider no longer has', async () => {
    // Deleted at the provider while its event log moved past our position: no tombstone will ever come.
    for (const id of ['i20', 'i21', 'i22']) provider.rows.delete(id);
    provider.rows.set('i30', { id: 'i30', v: 5 });
    provider.expired = true;
    const restarted = await run('incremental');
    expect(restarted.outcome.status).toBe('COMPLETED');
    expect(restarted.counts).toMatchObject({ created: 0, updated: 1, deleted: 3, unchanged: 90 + 3 });
    const table = { schema: rt.bootstrap!.dataSchema, table: 'events_test_items' };
    const rows = await listRecords(rt.database.db, table, connectionId, { limit: 1000, changes: changeKinds });
    expect(rows.filter((r) => r.deleted_at !== null).map((r) => r.id).sort()).toEqual(['i20', 'i21', 'i22', 'i8']);
    provider.expired = false;
    const quiet = await run('incremental');
    expect(quiet.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });
});
