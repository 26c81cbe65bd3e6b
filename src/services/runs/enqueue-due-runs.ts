import type { Schedule } from '../../contracts/api/connections.js';
import { nextRunAt } from '../../core/schedule.js';
import { claimDueConnections, setConnectionNextSyncAt } from '../../db/queries/connections.js';
import { requestRun } from './request-run.js';
import type { ServiceDeps } from '../service-deps.js';

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
export async function enqueueDueRuns(deps: Pick<ServiceDeps, 'db' | 'runQueue'>, catalogStreams: (connectorId: string) => string[], now = new Date()): Promise<DueRunsResult> {
  const result: DueRunsResult = { triggered: 0, skipped: 0, connections: [] };
  for (;;) {
    const batch = await deps.db.transaction(async (tx) => {
      const due = await claimDueConnections(tx, now, 50);
      for (const connection of due) {
        const next = nextRunAt(connection.schedule as Schedule | null, connection.nextSyncAt ?? now, now);
        const { existing } = await requestRun({ db: tx, runQueue: deps.runQueue }, {
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          trigger: 'schedule',
          mode: 'incremental',
          streams: catalogStreams(connection.connectorId),
        });
        await setConnectionNextSyncAt(tx, connection.id, next);
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
