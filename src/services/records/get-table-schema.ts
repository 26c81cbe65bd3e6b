import type { TypedColumn } from '../../core/typed-columns/table-shape.js';
import { tableExists, type RecordTable } from '../../db/queries/records/record-tables.js';
import { loadTableShape } from '../../db/queries/table-shapes.js';
import type { ServiceDeps } from '../service-deps.js';
import { resolveStreamTable, type StreamAddress } from './resolve-stream-table.js';

/** A stream's typed table as it is now; `exists` is false (and no columns) until the stream's first sync. */
export interface StreamTableSchema {
  table: RecordTable;
  exists: boolean;
  columns: readonly TypedColumn[];
}

/** A stream's table: its typed columns (from the stream's JSON Schema and from the data) with types and paths. */
export async function getTableSchema(deps: Pick<ServiceDeps, 'db' | 'catalog'>, input: StreamAddress): Promise<StreamTableSchema> {
  const { table } = await resolveStreamTable(deps, input);
  const exists = await tableExists(deps.db, table);
  const { shape } = exists ? await loadTableShape(deps.db, table) : { shape: null };
  return { table, exists, columns: shape?.columns ?? [] };
}
