import { and, asc, count, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { connections, runLogs, runs, runStreams } from '../schema.js';

export type RunRow = typeof runs.$inferSelect;
export type RunInsert = typeof runs.$inferInsert;
export type RunStreamRow = typeof runStreams.$inferSelect;
export type RunLogRow = typeof runLogs.$inferSelect;

export const activeStatuses = ['PENDING', 'RUNNING'] as const;

/**
 * Inserts a PENDING run unless the connection already has an active one, which the partial unique index
 * `runs_one_active_per_connection` detects atomically; then the active run is returned with `existing: true`.
 */
export async function insertRunUnlessActive(db: Db, row: RunInsert): Promise<{ run: RunRow; existing: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [created] = await db.insert(runs).values(row).onConflictDoNothing().returning();
    if (created) return { run: created, existing: false };
    const active = await getActiveRun(db, row.connectionId);
    if (active) return { run: active, existing: true };
    // The active run finished between the two statements: try the insert again.
  }
  throw new Error(`Could not start a run for connection ${row.connectionId}: it keeps changing state.`);
}

export async function getActiveRun(db: Db, connectionId: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.connectionId, connectionId), inArray(runs.status, [...activeStatuses])));
  return row;
}

export async function getRun(db: Db, workspaceId: string, id: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, id)));
  return row;
}

export async function getRunById(db: Db, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

export async function listRuns(
  db: Db,
  workspaceId: string,
  connectionId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: RunRow[]; total: number }> {
  const condition = and(eq(runs.workspaceId, workspaceId), eq(runs.connectionId, connectionId));
  const rows = await db
    .select()
    .from(runs)
    .where(condition)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(runs).where(condition);
  return { rows, total: total?.n ?? 0 };
}

export async function updateRun(db: Db, id: string, patch: Partial<RunInsert>): Promise<RunRow | undefined> {
  const [row] = await db.update(runs).set(patch).where(eq(runs.id, id)).returning();
  return row;
}

/** Moves a run from one status to another only if it is still in `from`; returns the run if it moved. */
export async function transitionRun(db: Db, id: string, from: readonly string[], patch: Partial<RunInsert> & { status: string }): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set(patch)
    .where(and(eq(runs.id, id), inArray(runs.status, [...from])))
    .returning();
  return row;
}

/**
 * A heartbeat that only the run's current attempt can make: undefined means another attempt has taken the run
 * over (its worker was presumed dead while it was merely slow) and this one must stop.
 */
export async function heartbeatRunAttempt(db: Db, id: string, attempt: number): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set({ heartbeatAt: new Date() })
    .where(and(eq(runs.id, id), eq(runs.attempts, attempt)))
    .returning();
  return row;
}

/** Claims a run for a new attempt; the increment is atomic, so two claimants get distinct attempt numbers. */
export async function claimRun(db: Db, id: string, startedAt: Date): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set({ status: 'RUNNING', attempts: sql`${runs.attempts} + 1`, startedAt: sql`coalesce(${runs.startedAt}, ${startedAt.toISOString()}::timestamptz)`, heartbeatAt: new Date() })
    .where(and(eq(runs.id, id), inArray(runs.status, [...activeStatuses])))
    .returning();
  return row;
}

export async function listRunStreams(db: Db, runIds: string[]): Promise<RunStreamRow[]> {
  if (runIds.length === 0) return [];
  return db.select().from(runStreams).where(inArray(runStreams.runId, runIds)).orderBy(asc(runStreams.stream));
}

export async function upsertRunStream(db: Db, row: typeof runStreams.$inferInsert): Promise<void> {
  await db
    .insert(runStreams)
    .values(row)
    .onConflictDoUpdate({
      target: [runStreams.runId, runStreams.stream],
      set: { status: row.status, error: row.error ?? null, completedAt: row.completedAt ?? null },
    });
}

/** Adds a batch's counts to the stream's totals; called inside the batch's transaction. */
export async function addRunStreamCounts(
  db: Db,
  runId: string,
  stream: string,
  counts: { created: number; updated: number; unchanged: number; deleted: number; failed: number },
): Promise<void> {
  await db
    .update(runStreams)
    .set({
      created: sql`${runStreams.created} + ${counts.created}`,
      updated: sql`${runStreams.updated} + ${counts.updated}`,
      unchanged: sql`${runStreams.unchanged} + ${counts.unchanged}`,
      deleted: sql`${runStreams.deleted} + ${counts.deleted}`,
      failed: sql`${runStreams.failed} + ${counts.failed}`,
    })
    .where(and(eq(runStreams.runId, runId), eq(runStreams.stream, stream)));
}

export async function insertRunLog(db: Db, row: typeof runLogs.$inferInsert): Promise<void> {
  await db.insert(runLogs).values(row);
}

export async function listRunLogs(db: Db, runId: string, page: { limit: number; afterId?: number | undefined }): Promise<RunLogRow[]> {
  const condition = page.afterId ? and(eq(runLogs.runId, runId), gt(runLogs.id, page.afterId)) : eq(runLogs.runId, runId);
  return db.select().from(runLogs).where(condition).orderBy(asc(runLogs.id)).limit(page.limit);
}

export async function finishRunStream(
  db: Db,
  runId: string,
  stream: string,
  patch: { status: string; error?: string | null },
): Promise<void> {
  await db
    .update(runStreams)
    .set({ status: patch.status, error: patch.error ?? null, completedAt: new Date() })
    .where(and(eq(runStreams.runId, runId), eq(runStreams.stream, stream)));
}

/**
 * Every stream of an ended run ends too, with its counts kept: the ones still RUNNING (or PENDING) take `status`;
 * the requested ones never reached get a row with `unreached` (zero counts), so no stream of a finished run
 * claims to be in progress.
 */
export async function closeRunStreams(db: Db, runId: string, requested: readonly string[], status: string, unreached: string, error: string | null = null): Promise<void> {
  const now = new Date();
  await db
    .update(runStreams)
    .set({ status, error: sql`coalesce(${runStreams.error}, ${error})`, completedAt: now })
    .where(and(eq(runStreams.runId, runId), inArray(runStreams.status, ['RUNNING', 'PENDING'])));
  if (requested.length === 0) return;
  await db
    .insert(runStreams)
    .values(requested.map((stream) => ({ runId, stream, status: unreached, completedAt: now })))
    .onConflictDoNothing();
}

/**
 * A run whose worker is shutting down goes back to PENDING (only if that attempt still holds it), and its
 * interrupted streams with it; their counts and checkpoints stay, for the next attempt to resume from. The
 * heartbeat is renewed: the abandoned-run sweep measures silence from the hand-back, not from the last page.
 */
export async function handBackRunAttempt(db: Db, id: string, attempt: number): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set({ status: 'PENDING', heartbeatAt: new Date() })
    .where(and(eq(runs.id, id), eq(runs.status, 'RUNNING'), eq(runs.attempts, attempt)))
    .returning();
  if (row) {
    await db
      .update(runStreams)
      .set({ status: 'PENDING' })
      .where(and(eq(runStreams.runId, id), eq(runStreams.status, 'RUNNING')));
  }
  return row;
}

/** The connector a run syncs, for metrics labels. */
export async function connectorOfRun(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db
    .select({ connectorId: connections.connectorId })
    .from(runs)
    .innerJoin(connections, eq(connections.id, runs.connectionId))
    .where(eq(runs.id, id));
  return row?.connectorId;
}

/**
 * Ends as FAILED every active run silent since `cutoff` (no heartbeat since then), or, never having
 * heartbeated, created before `neverStartedCutoff`. Returns what the caller needs to close their streams and
 * connections.
 */
export async function failSilentRuns(
  db: Db,
  cutoff: Date,
  neverStartedCutoff: Date,
  patch: { error: string; completedAt: Date },
): Promise<Array<{ id: string; connectionId: string; streams: string[] }>> {
  return db
    .update(runs)
    .set({ status: 'FAILED', error: patch.error, errorKind: 'internal', completedAt: patch.completedAt })
    .where(and(inArray(runs.status, ['RUNNING', 'PENDING']), or(lt(runs.heartbeatAt, cutoff), and(isNull(runs.heartbeatAt), lt(runs.createdAt, neverStartedCutoff)))))
    .returning({ id: runs.id, connectionId: runs.connectionId, streams: runs.streams });
}

/** Ids of every RUNNING run, all workspaces. */
export async function listRunningRunIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: runs.id }).from(runs).where(eq(runs.status, 'RUNNING'));
  return rows.map((r) => r.id);
}

/**
 * The `data` of a run's latest "Run started" / "Resuming run" log line: each attempt logs there the process
 * running it (`worker: "host:pid"`, see executeRun). Undefined when no attempt logged yet.
 */
export async function latestAttemptStartData(db: Db, runId: string): Promise<Record<string, unknown> | null | undefined> {
  const [start] = await db
    .select({ data: runLogs.data })
    .from(runLogs)
    .where(and(eq(runLogs.runId, runId), sql`${runLogs.message} ~ '^(Run started|Resuming run)'`))
    .orderBy(desc(runLogs.id))
    .limit(1);
  return start?.data;
}
