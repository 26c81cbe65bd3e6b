import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/**
 * The Drizzle handle, whichever driver is behind it (PGlite or node-postgres). A transaction's handle has the
 * same type, so every query function takes `Db` and works inside or outside a transaction — and inside one
 * it must be given the transaction's handle (on PGlite, the outer handle would wait for the lock forever).
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows of a raw statement; the two drivers return differently shaped results with `rows` in common. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Rows changed by a raw statement (`rowCount` on node-postgres, `affectedRows` on PGlite). */
export async function execute(db: Db, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { rowCount?: number | null; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}

export function ident(name: string): ReturnType<typeof sql.identifier> {
  return sql.identifier(name);
}
