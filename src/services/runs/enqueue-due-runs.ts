import { and, asc, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Schedule } from '../../contracts/api/connections.js';
import { nextRunAt } from '../../core/schedule.js';
import type { Db } from '../../db/db.js';
import { connections } from '../../db/schema.js';
import { requestRun } from './request-run.js';
import type { RunQueue } from './run-queue.js';

export interface DueRunsResult {
  triggered: number;
  skipped: number;
  connections: string[];
}

/**
 * Starts a run for every connection whose schedule is due. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * any number of processes may tick at once and each due connection is handled by exactly one of them; its next
 * slot is written in the same transaction. A connection with a run already active is skipped, not doubled.
 */
export async function enqueueDueRuns(deps: { db: Db; runQueue: RunQueue }, catalogStreams: (connectorId: string) => string[], now = new Date()): Promise<DueRunsResult> {
  const result: DueRunsResult = { triggered: 0, skipped: 0, connections: [] };
  for (;;) {
    const batch = await deps.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(connections)
        .where(and(isNotNull(connections.nextSyncAt), lte(connections.nextSyncAt, now), inArray(connections.status, ['connected', 'syncing', 'error'])))
        .orderBy(asc(connections.nextSyncAt))
        .limit(50)
        .for('update', { skipLocked: true });
      for (const connection of due) {
        const next = nextRunAt(connection.schedule as Schedule | null, connection.nextSyncAt ?? now, now);
        const { existing } = await requestRun({ db: tx, runQueue: deps.runQueue }, {
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          trigger: 'schedule',
          mode: 'incremental',
          streams: catalogStreams(connection.connectorId),
        });
        await tx.update(connections).set({ nextSyncAt: next }).where(inArray(connections.id, [connection.id]));
        if (existing) result.skipped++;
        else {
          result.triggered++;
          result.connections.push(connection.id);
        }
      }
      return due.length;
    });
    if (batch < 50) return result;
  }
}
