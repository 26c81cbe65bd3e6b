import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db.js';
import { qualifiedName } from '../../identifiers.js';
import { type RecordTable, tableExists } from './record-tables.js';

/** Live and soft-deleted rows of a connection in a record table (none when the stream never synced). */
export async function countRecords(db: Db, t: RecordTable, connectionId: string): Promise<{ live: number; deleted: number }> {
  if (!(await tableExists(db, t))) return { live: 0, deleted: 0 };
  const [row] = await queryRows<{ live: string | number; deleted: string | number }>(
    db,
    sql`select count(*) filter (where deleted_at is null) as live, count(*) filter (where deleted_at is not null) as deleted
        from ${qualifiedName(t.schema, t.table)} where connection_id = ${connectionId}`,
  );
  return { live: Number(row?.live ?? 0), deleted: Number(row?.deleted ?? 0) };
}
