import { changeKinds, listRecords, type StoredRecord } from '../../src/db/queries/records/change-feed.js';
import { countRecords } from '../../src/db/queries/records/record-counts.js';
import { connectionTableName, type RecordTable } from '../../src/db/queries/records/record-tables.js';
import { getConnectionById } from '../../src/db/queries/connections.js';
import { getWorkspace } from '../../src/db/queries/workspaces.js';
import type { TestRuntime } from './test-runtime.js';

/** Straight reads of a connection's stream table (`<connector>_<stream>` in its workspace's schema). */
export async function streamTable(rt: TestRuntime, connectionId: string, stream: string): Promise<RecordTable> {
  const connection = await getConnectionById(rt.database.db, connectionId);
  if (!connection) throw new Error(`no connection ${connectionId}`);
  const workspace = await getWorkspace(rt.database.db, connection.workspaceId);
  if (!workspace) throw new Error(`no workspace ${connection.workspaceId}`);
  return { schema: workspace.dataSchema, table: connectionTableName(connection, stream) };
}

/** Live and soft-deleted rows of one stream of one connection (0/0 when its table does not exist yet). */
export async function rowCounts(rt: TestRuntime, connectionId: string, stream: string): Promise<{ live: number; deleted: number }> {
  return countRecords(rt.database.db, await streamTable(rt, connectionId, stream), connectionId);
}

/** Every row of one stream of one connection, page by page, in change order. */
export async function* allRows(rt: TestRuntime, connectionId: string, stream: string, includeDeleted = false): AsyncGenerator<StoredRecord> {
  const table = await streamTable(rt, connectionId, stream);
  let afterSeq: number | undefined;
  const changes = includeDeleted ? changeKinds : (['added', 'updated'] as const);
  for (;;) {
    const page = await listRecords(rt.database.db, table, connectionId, { limit: 2000, afterSeq, changes });
    yield* page;
    if (page.length < 2000) return;
    afterSeq = page[page.length - 1]!.change_seq;
  }
}

/** Ids of the rows, live (and soft-deleted ones when asked). */
export async function rowIds(rt: TestRuntime, connectionId: string, stream: string, includeDeleted = false): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of allRows(rt, connectionId, stream, includeDeleted)) ids.push(row.id);
  return ids;
}
