import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './db.js';

/**
 * Every PostgreSQL advisory lock Tributary takes, in one place, so no two uses can pick the same number by
 * accident. All are transaction-scoped (`pg_advisory_xact_lock`): released at COMMIT or ROLLBACK, never leaked by
 * a crashed process. The keys share one prefix (7263…) to stay clear of other applications on the same database;
 * pg-boss uses its own. Locks keyed by a name use the two-key form `(class, hashtext(name))`: a hash collision
 * only makes two unrelated holders wait for each other, never lets two holders of one name in together.
 */
export const advisoryLocks = {
  /** Migrations: several processes starting against one database apply each migration once (the others wait, then skip). */
  migrate: 7263001,
  /** Bootstrap: of several processes starting on an empty database, only the first creates the owner's workspace. */
  bootstrapOwner: 7263002,
  /**
   * Record-table DDL of one workspace schema (keyed by the schema name): creating a stream's table, its change
   * counter, the typed columns and their metadata. `create … if not exists` is not safe against itself.
   */
  recordTableDdl: 7263003,
  /** CRM projection passes of one connection (keyed by connection id): a sync's and a mapping edit's never interleave. */
  crmProjection: 7263010,
} as const;

export type AdvisoryLock = keyof typeof advisoryLocks;

/** The statement that takes `lock` until the transaction ends, keyed by `name` for the per-name locks. */
function advisoryLockStatement(lock: AdvisoryLock, name?: string): SQL {
  const key = advisoryLocks[lock];
  return name === undefined ? sql`select pg_advisory_xact_lock(${sql.raw(String(key))})` : sql`select pg_advisory_xact_lock(${sql.raw(String(key))}, hashtext(${name}))`;
}

/** Takes `lock` (per `name` when given) until `tx`'s transaction ends; `tx` must be a transaction's handle. */
export async function takeAdvisoryLock(tx: Db, lock: AdvisoryLock, name?: string): Promise<void> {
  await tx.execute(advisoryLockStatement(lock, name));
}
