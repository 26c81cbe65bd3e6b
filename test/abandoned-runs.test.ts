import { insertPendingRun } from './support/run-helpers.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/ids.js';
import { insertConnection, getConnectionById } from '../src/db/queries/connections.js';
import { addRunStreamCounts, getRunById, insertRunUnlessActive, listRunStreams, upsertRunStream } from '../src/db/queries/runs.js';
import { runs } from '../src/db/schema.js';
import { failAbandonedRuns } from '../src/services/runs/fail-abandoned-runs.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

describe.each(databaseKinds)('abandoned runs on %s', (kind) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false });
  });
  afterAll(async () => rt?.stop());

  const makeRun = async (heartbeatAgoMs: number) => {
    const connectionId = newId('conn');
    await insertConnection(rt.database.db, { id: connectionId, workspaceId: rt.bootstrap!.workspaceId, connectorId: 'github', name: 'x', status: 'syncing' });
    const run = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId, streams: ['issues'], mode: 'incremental' });
    await rt.database.db.update(runs).set({ status: 'RUNNING', heartbeatAt: new Date(Date.now() - heartbeatAgoMs) }).where(eq(runs.id, run.id));
    return { runId: run.id, connectionId };
  };

  it('fails runs silent for longer than the threshold and frees their connection; leaves live ones alone', async () => {
    const dead = await makeRun(20 * 60_000);
    const alive = await makeRun(5_000);
    // The dead worker was mid-stream: the stream row says RUNNING, with what it had committed.
    await upsertRunStream(rt.database.db, { runId: dead.runId, stream: 'issues', status: 'RUNNING', startedAt: new Date() });
    await addRunStreamCounts(rt.database.db, dead.runId, 'issues', { created: 7, updated: 2, unchanged: 0, deleted: 0, failed: 0 });
    const failed = await failAbandonedRuns(rt.database.db);
    expect(failed).toEqual([dead.runId]);
    expect(await getRunById(rt.database.db, dead.runId)).toMatchObject({ status: 'FAILED', errorKind: 'internal' });
    expect(await getRunById(rt.database.db, alive.runId)).toMatchObject({ status: 'RUNNING' });
    // Its stream ends with it, counts kept.
    expect(await listRunStreams(rt.database.db, [dead.runId])).toEqual([expect.objectContaining({ stream: 'issues', status: 'FAILED', created: 7, updated: 2 })]);
    expect(await getConnectionById(rt.database.db, dead.connectionId)).toMatchObject({ status: 'error' });
    // The connection can run again.
    const again = await insertRunUnlessActive(rt.database.db, {
      id: newId('run'),
      workspaceId: rt.bootstrap!.workspaceId,
      connectionId: dead.connectionId,
      trigger: 'api',
      mode: 'incremental',
      status: 'PENDING',
      streams: ['issues'],
    });
    expect(again.existing).toBe(false);
  });
});
