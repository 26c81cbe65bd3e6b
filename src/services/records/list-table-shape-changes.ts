import { tableExists } from '../../db/queries/records/record-tables.js';
import { listShapeChanges, type StoredShapeChange } from '../../db/queries/table-shapes.js';
import type { ServiceDeps } from '../service-deps.js';
import { resolveStreamTable, type StreamAddress } from './resolve-stream-table.js';

/** Every change of a stream table's shape, oldest first, one page of them; none before the stream's first sync. */
export async function listTableShapeChanges(
  deps: Pick<ServiceDeps, 'db' | 'catalog'>,
  input: StreamAddress & { limit: number; offset: number },
): Promise<{ rows: StoredShapeChange[]; total: number }> {
  const { table } = await resolveStreamTable(deps, input);
  const { limit, offset } = input;
  return (await tableExists(deps.db, table)) ? listShapeChanges(deps.db, table, { limit, offset }) : { rows: [], total: 0 };
}
