import { listRecordsJson, type ChangeKind, type ColumnEquals, type StoredRecord } from '../../db/queries/records/change-feed.js';
import { tableExists } from '../../db/queries/records/record-tables.js';
import { loadTableShape } from '../../db/queries/table-shapes.js';
import { columnEquals, type ColumnFilterValue } from './column-equals.js';
import type { ServiceDeps } from '../service-deps.js';
import { decodeChangeCursor, encodeChangeCursor } from './change-feed-cursor.js';
import { resolveStreamTable, type StreamAddress } from './resolve-stream-table.js';

/** A feed row with its payload as the JSON text the database holds (see listRecordsJson for why). */
export type ChangeFeedRow = Omit<StoredRecord, 'data'> & { data: string };

export interface ChangeFeedPage {
  rows: ChangeFeedRow[];
  /** Where the next read starts; on the last page, where a later poll starts. Null only before anything was read. */
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * One page of a stream's change feed: rows in the order their latest change was written, each once. Following
 * nextCursor until hasMore is false, then polling with the last cursor, a reader sees every row whose latest change
 * it has not seen yet exactly once, even while syncs write.
 */
export async function readChangeFeed(
  deps: Pick<ServiceDeps, 'db' | 'catalog'>,
  input: StreamAddress & {
    /** A cursor this feed returned; absent: from the start. */
    cursor?: string | undefined;
    limit: number;
    /** Latest changes to return; default added and updated. */
    changes?: ChangeKind[] | undefined;
    /** Same as adding `deleted` to changes. */
    includeDeleted?: boolean | undefined;
    modifiedAfter?: Date | undefined;
    /** Typed column → the value it must equal (null: is null); see columnEquals. */
    equals?: Record<string, ColumnFilterValue> | undefined;
  },
): Promise<ChangeFeedPage> {
  const { connection, table } = await resolveStreamTable(deps, input);
  let equals: ColumnEquals[] | undefined;
  if (input.equals && Object.keys(input.equals).length > 0) {
    // Filters name columns, so the table's shape is needed first; a table not created yet has no rows to match.
    if (!(await tableExists(deps.db, table))) return { rows: [], nextCursor: input.cursor ?? null, hasMore: false };
    equals = columnEquals((await loadTableShape(deps.db, table)).shape, input.equals, `stream "${input.stream}"`);
  }
  const afterSeq = input.cursor ? decodeChangeCursor(input.cursor) : undefined;
  const changes = [...new Set([...(input.changes ?? ['added', 'updated']), ...(input.includeDeleted ? ['deleted' as const] : [])])];
  // A stream that never synced has no table yet: an empty feed (null: no table), without a query to ask first.
  const rows = await listRecordsJson(deps.db, table, connection.id, { limit: input.limit + 1, afterSeq, changes, modifiedAfter: input.modifiedAfter, equals });
  if (rows === null) return { rows: [], nextCursor: input.cursor ?? null, hasMore: false };
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  // The last page still returns a cursor: polling with it later yields only what changed since.
  const nextCursor = page.length > 0 ? encodeChangeCursor(page[page.length - 1]!.change_seq) : (input.cursor ?? null);
  return { rows: page, nextCursor, hasMore };
}
