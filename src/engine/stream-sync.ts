import type { StreamContext, StreamMessage, StreamReader, StreamState } from '../contracts/connector-kit.js';
import type { StreamManifest, SyncMode } from '../contracts/manifest.js';
import { sqlState, type Db } from '../db/db.js';
import { commitBatch, type BatchCommit, type RecordInput, type WriteCounts } from '../db/queries/records/commit-batch.js';
import { softDeleteRecords, softDeleteUnseen } from '../db/queries/records/record-deletes.js';
import { analyzeIfStale, type RecordTable } from '../db/queries/records/record-tables.js';
import type { ShapeObservations } from '../core/typed-columns/record-typer.js';
import { addRunStreamCounts, finishRunStream, listRunStreams } from '../db/queries/runs.js';
import { retryTransient } from '../db/retry-transient.js';
import { deleteStreamState, putStreamState } from '../db/queries/stream-states.js';
import type { EngineOptions } from './engine-deps.js';
import { readAhead } from './read-ahead.js';
import { RunHandedBackError } from '../services/runs/run-errors.js';
import { RecordBatch } from './record-batch.js';
import { TypedTable } from './typed-table.js';

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
  /** Heartbeat and cancellation check; throws to stop. Called between pages, at most every `checkpointEveryMs`. */
  checkpoint: () => Promise<void>;
  /**
   * True once the worker is shutting down: the stream commits what it has read (with the last checkpoint the
   * reader emitted) at the next message boundary and throws RunHandedBackError, so the run resumes from there.
   */
  stopRequested?: () => boolean;
  /** Told what each commit wrote (metrics). */
  counted?: (counts: { created: number; updated: number; deleted: number }) => void;
  /** A transient database failure (connection lost, deadlock…) about to be retried: the run counts and logs them. */
  onDbFault?: (what: string, info: { attempt: number; reason: string; delayMs: number }) => void;
}

type Totals = { created: number; updated: number; unchanged: number; failed: number };
const processed = (t: Totals) => t.created + t.updated + t.unchanged + t.failed;

/**
 * How often the sync loop calls `checkpoint` (a database heartbeat that also looks for a cancel request). The
 * run's own timer heartbeats too, and a cancel aborts the run's signal, which stops the request in flight; so
 * this only bounds how stale the cancel check can get between pages. Once per page, as before, cost a
 * committed UPDATE per 100 records: measured, the largest single cost of a first sync on PostgreSQL.
 */
const checkpointEveryMs = 250;

/**
 * A stream run that wrote at least this many rows refreshes its table's planner statistics when it completes, if
 * they are stale (see `analyzeIfStale`).
 */
const analyzeAfterWrites = 1000;

/** A reader may reuse what it yielded once it resumes; read-ahead resumes it early, so keep copies. */
function detach(message: StreamMessage): StreamMessage {
  if (message.type === 'records') return { type: 'records', records: [...message.records] };
  if (message.type === 'state') return { type: 'state', state: structuredClone(message.state) };
  if (message.type === 'restart') return message;
  return { type: 'deletes', ids: [...message.ids] };
}

/**
 * Pulls one stream through its reader and commits it batch by batch. Each commit writes the batch, its
 * counts and the latest checkpoint the reader emitted in one transaction, so a crash at any point resumes
 * from a state that covers everything committed: nothing lost, and re-read records are unchanged upserts.
 *
 * The reader runs a few messages ahead (`readAheadMessages`): its next pages are fetched and parsed while a
 * batch commits. Nothing is committed out of order; pages read ahead and not yet committed are simply read
 * again after a crash, as the page in flight always was.
 */
export async function syncStream(input: StreamSyncInput): Promise<void> {
  const { db, options, runId, connectionId, table, stream, mode } = input;
  const signal = input.context.signal;
  /**
   * Every statement of the stream survives a transient database failure (retry-transient.ts). Most are idempotent
   * and are simply sent again; the batch commit and the completion are not (counts add up; the completion clears
   * the seen-set it reads), so for them `landed` first asks the database whether the lost attempt committed.
   */
  const heal = <T>(what: string, fn: () => Promise<T>, landed?: () => Promise<T | undefined>): Promise<T> =>
    retryTransient(fn, { ...options.dbRetry, signal, onRetry: (info) => input.onDbFault?.(what, info), ...(landed ? { landed } : {}) });
  // Typed columns beside the payload: declared ones are in place before the first batch; the rest follow the data.
  const typed = await heal('table shape', () => TypedTable.open({ db, table, stream, config: input.context.config, connectionId, runId, log: input.context.log }));
  const batch = new RecordBatch(stream.primary_key, typed.typer);
  let state = input.startState;
  let stateDirty = false;
  let lastCheckpoint = 0;
  // Every live record comes by before the stream ends: a full refresh, or an incremental read that restarted.
  let complete = mode === 'full_refresh';
  // Where the stream's time went, logged when it completes: waiting for the reader (provider, parsing) versus
  // committing batches. The benchmark reads it to say what bounds a sync.
  const timing = { started: Date.now(), readWaitMs: 0, commitMs: 0, commitWaitMs: 0, commits: 0, records: 0, written: 0 };
  // Probe stored hashes before writing, unless the previous batch came back all new: then this is most likely a
  // first sync, where the probe finds nothing and costs a round trip. Any batch that finds an existing row turns
  // probing back on.
  let probe = true;

  const readTotals = async (): Promise<Totals> => {
    const row = (await listRunStreams(db, [runId])).find((s) => s.stream === stream.name);
    return { created: row?.created ?? 0, updated: row?.updated ?? 0, unchanged: row?.unchanged ?? 0, failed: row?.failed ?? 0 };
  };
  // What this stream's run row holds: each commit adds exactly its records and rejects to these counts, in the same
  // statement as the rows, so after a lost answer the row tells whether the commit landed (and what it counted).
  let committed = await heal('reading the run counts', readTotals);

  const checkpoint = async (force = false): Promise<void> => {
    if (signal.aborted) throw signal.reason;
    const now = Date.now();
    if (!force && now - lastCheckpoint < checkpointEveryMs) return;
    lastCheckpoint = now;
    await input.checkpoint();
  };

  // One commit may be in flight while the next batch fills: its records are hashed and the pages after it are
  // parsed while the database writes. Commits still run one at a time and in order (each waits for the one
  // before), so what is committed is always a prefix of what was read, as a crash-safe resume requires.
  let inFlight: Promise<void> | null = null;
  const settle = async (): Promise<void> => {
    if (!inFlight) return;
    const waiting = Date.now();
    try {
      await inFlight;
    } finally {
      inFlight = null;
      timing.commitWaitMs += Date.now() - waiting;
    }
  };

  const write = async (records: RecordInput[], rejected: number, checkpointState: StreamState | null, observations: ShapeObservations, typedAgainst: number): Promise<void> => {
    const started = Date.now();
    // New fields and widened types reach the table before the batch that needs them.
    // Applying a shape plans from the table's current shape, so sending it again after a lost answer plans nothing.
    const columns = records.length > 0 ? await heal('table shape', () => typed.prepare(records, observations, typedAgainst)) : typed.columns;
    // The records, their counts, the run's checkpoint and (incremental) the connection's cursor, atomically. An
    // incremental cursor is worth keeping even if this run later fails: the next run starts there.
    const counts = await commitTyped({
      columns,
      table,
      connectionId,
      records,
      runId,
      stream: stream.name,
      markSeen: complete,
      rejected,
      state: checkpointState,
      saveCursor: mode === 'incremental',
      probe,
    });
    if (records.length > 0) probe = counts.created < records.length;
    input.counted?.({ created: counts.created, updated: counts.updated, deleted: 0 });
    timing.written += counts.created + counts.updated;
    timing.commitMs += Date.now() - started;
  };

  /**
   * A statement is atomic, so a failed one wrote nothing and can be sent again. A column dropped by hand: the
   * shape is read again and the batch typed again. A value the database refused to cast (the typer lets through
   * only what it is certain of, so this should not happen): the batch is written with its typed columns NULL
   * rather than failing the sync, and that is recorded.
   */
  const commitTyped = async (commit: BatchCommit): Promise<WriteCounts> => {
    try {
      return await commitOnce(commit);
    } catch (error) {
      const code = sqlState(error);
      if (!commit.columns || commit.columns.length === 0 || !code) throw error;
      if (code === '42703') {
        await typed.reload();
        typed.retypeAll(commit.records);
        return commitOnce({ ...commit, columns: typed.columns });
      }
      if (!code.startsWith('22') && code !== '42804') throw error;
      await typed.recordUntyped(error);
      return commitOnce({ ...commit, untyped: true });
    }
  };

  /**
   * One batch statement, healed: after a transient failure the run row's counts say whether it committed (they
   * moved by exactly this batch) or not (unchanged); only then is it sent again, so no record is counted twice.
   */
  const commitOnce = async (commit: BatchCommit): Promise<WriteCounts> => {
    const before = committed;
    const size = commit.records.length + commit.rejected;
    const counts = await heal(
      'batch commit',
      () => commitBatch(db, commit),
      async () => {
        const now = await readTotals();
        if (processed(now) === processed(before)) return undefined;
        if (processed(now) === processed(before) + size) {
          return { created: now.created - before.created, updated: now.updated - before.updated, unchanged: now.unchanged - before.unchanged };
        }
        // Another attempt writes this run (this one was presumed dead): let the run be retried and sort it out.
        throw Object.assign(new Error(`the counts of ${stream.name} changed under this attempt`), { kind: 'transient' });
      },
    );
    committed = {
      created: before.created + counts.created,
      updated: before.updated + counts.updated,
      unchanged: before.unchanged + counts.unchanged,
      failed: before.failed + commit.rejected,
    };
    return counts;
  };

  const commit = async (): Promise<void> => {
    if (batch.size === 0 && batch.rejected === 0 && !stateDirty) return;
    const { records, rejected, observations, typedAgainst } = batch.take();
    const checkpointState = stateDirty ? state : null;
    stateDirty = false;
    timing.commits++;
    timing.records += records.length;
    await settle();
    const pending = write(records, rejected, checkpointState, observations, typedAgainst);
    // Not swallowed: `settle` awaits this very promise before the next commit and at the end, and rethrows its
    // failure. This only keeps the failure from counting as an unhandled rejection meanwhile.
    pending.catch(() => undefined);
    inFlight = pending;
  };

  const messages = readAhead(input.reader({ ...input.context, stream, mode, state: input.startState }), options.readAheadMessages, detach);
  try {
    await checkpoint(true);
    let waitStarted = Date.now();
    for await (const message of messages) {
      timing.readWaitMs += Date.now() - waitStarted;
      await checkpoint();
      if (message.type === 'records') {
        for (const record of message.records) {
          batch.add(record);
          if (batch.size >= options.batchSize || batch.bytes >= options.batchBytes) await commit();
        }
      } else if (message.type === 'state') {
        state = message.state;
        stateDirty = true;
        if (batch.size === 0) await commit();
      } else if (message.type === 'restart') {
        if (!complete) {
          // What was read before is committed unmarked; the complete read that follows yields it again.
          await commit();
          await settle();
          complete = true;
          input.context.log('warn', `${stream.name}: the provider no longer knows this stream's position; reading it complete, and deleting what it no longer has`);
        }
      } else if (message.ids.length > 0) {
        await commit();
        await settle();
        // Sent again after a lost answer, it finds the rows already deleted and counts nothing more.
        const deleted = await heal('provider deletions', () =>
          db.transaction(async (tx) => {
            const n = await softDeleteRecords(tx, table, connectionId, message.ids);
            await addRunStreamCounts(tx, runId, stream.name, { created: 0, updated: 0, unchanged: 0, deleted: n, failed: 0 });
            return n;
          }),
        );
        input.counted?.({ created: 0, updated: 0, deleted });
      }
      if (input.stopRequested?.()) {
        // A shutdown: what was read is committed with the latest checkpoint, then the run is handed back.
        await commit();
        await settle();
        throw new RunHandedBackError();
      }
      waitStarted = Date.now();
    }
    await checkpoint(true);
    await commit();
    await settle();
  } finally {
    // Stopped by an error or a cancellation: nothing may still be writing once the run moves on. On the way out of
    // the loop normally, `settle` has already rethrown this write's failure; here another error is already on its
    // way up (and is what the run reports), and a write failing meanwhile loses nothing: the attempt that resumes
    // starts from the last checkpoint that did commit.
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
  }
  // Completion is one transaction too: deletes of a full refresh, the cursor the next run starts from, and the
  // stream's COMPLETED mark land together or not at all.
  const finishing = Date.now();
  // Sent twice, the completion would find its seen-set already cleared and delete every row: after a lost answer,
  // the stream's COMPLETED mark (written by the same transaction) says whether it landed (its deletions are then
  // not counted in the metrics, which only this process's answer could tell).
  const unseenDeleted = await heal(
    'stream completion',
    () =>
      db.transaction(async (tx) => {
        let deleted = 0;
        if (complete) {
          deleted = await softDeleteUnseen(tx, table, connectionId, runId, stream.name);
          if (deleted > 0) await addRunStreamCounts(tx, runId, stream.name, { created: 0, updated: 0, unchanged: 0, deleted, failed: 0 });
        }
        if (state) await putStreamState(tx, connectionId, stream.name, state);
        else await deleteStreamState(tx, connectionId, stream.name);
        await finishRunStream(tx, runId, stream.name, { status: 'COMPLETED' });
        return deleted;
      }),
    async () => ((await listRunStreams(db, [runId])).find((s) => s.stream === stream.name)?.status === 'COMPLETED' ? 0 : undefined),
  );
  if (unseenDeleted > 0) input.counted?.({ created: 0, updated: 0, deleted: unseenDeleted });
  // Outside the completion transaction: statistics are an optimisation, not part of what the run commits.
  if (timing.written >= analyzeAfterWrites) await heal('table statistics', () => analyzeIfStale(db, table, timing.written));
  const finishMs = Date.now() - finishing;
  const ms = Date.now() - timing.started;
  const s = (n: number) => (n / 1000).toFixed(1);
  input.context.log(
    'info',
    `${timing.records} records in ${s(ms)} s: ${s(timing.commitMs)} s committing ${timing.commits} batches (${s(timing.commitWaitMs)} s of it waited for), ${s(timing.readWaitMs)} s waiting for the provider, ${s(finishMs)} s completing`,
    {
      records: timing.records,
      ms,
      commit_ms: timing.commitMs,
      commit_wait_ms: timing.commitWaitMs,
      commits: timing.commits,
      read_wait_ms: timing.readWaitMs,
      finish_ms: finishMs,
    },
  );
}
