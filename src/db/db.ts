import { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './tables.js';

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

/**
 * A statement whose text and parameters are already built, run through Drizzle's `execute` like any other. Only
 * for the hot path, where building a Drizzle template costs more than the statement (docs/contributing/sql.md):
 * the caller numbers its own `$n` parameters and quotes identifiers with `quoteIdent` (identifiers.ts).
 */
class PrebuiltSql extends SQL {
  constructor(private readonly query: { sql: string; params: unknown[] }) {
    super([]);
  }

  override toQuery(): { sql: string; params: unknown[] } {
    return this.query;
  }
}

export function prebuilt(text: string, params: unknown[]): SQL {
  return new PrebuiltSql({ sql: text, params });
}

/** The SQLSTATE of a database error, through Drizzle's wrapper if there is one. */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

const preparedByDb = new WeakMap<object, Map<string, unknown>>();

/**
 * A statement the API runs on every request, prepared once per database handle: Drizzle builds its SQL once (its
 * query builder cost ~0.2 ms of CPU per call here) and PostgreSQL parses and plans it once per connection.
 */
export function preparedQuery<T>(db: Db, name: string, build: () => T): T {
  let statements = preparedByDb.get(db);
  if (!statements) preparedByDb.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) statements.set(name, (statement = build()));
  return statement;
}
