import type { StreamContext, StreamReader, StreamState } from '../contracts/connector-kit.js';
import type { StreamManifest, SyncMode } from '../contracts/manifest.js';
import type { Db } from '../db/db.js';
import { markSeen, softDeleteRecords, softDeleteUnseen, upsertRecords, type RecordTable } from '../db/queries/records.js';
import { addRunStreamCounts, finishRunStream, updateRunStreamState } from '../db/queries/runs.js';
import { deleteStreamState, putStreamState } from '../db/queries/stream-states.js';
import type { EngineOptions } from './engine-deps.js';
import { RecordBatch } from './record-batch.js';

export interface StreamSyncInput {
  db: Db;
  options: EngineOptions;
  runId: string;
  connectionId: string;
  table: RecordTable;
  stream: StreamManifest;
  reader: StreamReader;
  mode: SyncMode;
  /** Where to start: this run's own checkpoint when resuming, else the incremental cursor, else null. */
  startState: StreamState | null;
  context: Omit<StreamContext, 'stream' | 'mode' | 'state'>;
  /** Called between pages; throws to stop (cancellation). */
  checkpoint: () => Promise<void>;
}

/**
 * Pulls one stream through its reader and commits it batch by batch. Each commit writes the batch, its
 * counts and the latest checkpoint the reader emitted in one transaction, so a crash at any point resumes
 * from a state that covers everything committed: nothing lost, and re-read records are unchanged upserts.
 */
export async function syncStream(input: StreamSyncInput): Promise<void> {
  const { db, options, runId, connectionId, table, stream, mode } = input;
  const batch = new RecordBatch(stream.primary_key);
  let state = input.startState;
  let stateDirty = false;

  const commit = async (): Promise<void> => {
    if (batch.size === 0 && batch.rejected === 0 && !stateDirty) return;
    const { records, rejected } = batch.take();
    const checkpointState = stateDirty ? state : null;
    stateDirty = false;
    await db.transaction(async (tx) => {
      const counts = await upsertRecords(tx, table, connectionId, records);
      if (mode === 'full_refresh') await markSeen(tx, runId, stream.name, records.map((r) => r.id));
      await addRunStreamCounts(tx, runId, stream.name, { ...counts, deleted: 0, failed: rejected });
      if (checkpointState) {
        await updateRunStreamState(tx, runId, stream.name, checkpointState);
        // An incremental cursor is worth keeping even if this run later fails: the next run starts there.
        if (mode === 'incremental') await putStreamState(tx, connectionId, stream.name, checkpointState);
      }
    });
  };

  const messages = input.reader({ ...input.context, stream, mode, state: input.startState });
  for await (const message of messages) {
    await input.checkpoint();
    if (message.type === 'records') {
      for (const record of message.records) {
        batch.add(record);
        if (batch.size >= options.batchSize || batch.bytes >= options.batchBytes) await commit();
      }
    } else if (message.type === 'state') {
      state = message.state;
      stateDirty = true;
      if (batch.size === 0) await commit();
    } else if (message.ids.length > 0) {
      await commit();
      await db.transaction(async (tx) => {
        const deleted = await softDeleteRecords(tx, table, connectionId, message.ids);
        await addRunStreamCounts(tx, runId, stream.name, { created: 0, updated: 0, unchanged: 0, deleted, failed: 0 });
      });
    }
  }
  await input.checkpoint();
  await commit();
  // Completion is one transaction too: deletes of a full refresh, the cursor the next run starts from, and the
  // stream's COMPLETED mark land together or not at all.
  await db.transaction(async (tx) => {
    if (mode === 'full_refresh') {
      const deleted = await softDeleteUnseen(tx, table, connectionId, runId, stream.name);
      if (deleted > 0) await addRunStreamCounts(tx, runId, stream.name, { created: 0, updated: 0, unchanged: 0, deleted, failed: 0 });
    }
    if (state) await putStreamState(tx, connectionId, stream.name, state);
    else await deleteStreamState(tx, connectionId, stream.name);
    await finishRunStream(tx, runId, stream.name, { status: 'COMPLETED' });
  });
}
