import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { Db } from '../../src/db/db.js';

/**
 * Faults injected through the database port (the Drizzle handle every query function takes), the same way on
 * PGlite and PostgreSQL: a statement whose text matches fails like a lost connection, an admin shutdown or a
 * deadlock, either before it runs (nothing written) or after it committed (the answer lost on the way back: the
 * case a retry must not double). Inside a transaction, `after` fails the transaction once it has committed.
 */
export type DbFaultError = 'admin_shutdown' | 'connection_lost' | 'deadlock' | 'serialization_failure';

export interface DbFault {
  /** Matched against the statement's text. */
  statement: RegExp;
  when: 'before' | 'after';
  /** Omitted: the statement is not failed, only `run` is called at that point. */
  error?: DbFaultError;
  /**
   * Called at that point (before the statement runs, or once it has run) and awaited: what another process does
   * at exactly that moment (a column dropped by hand, counts written by a competing attempt). No timing involved.
   */
  run?: () => Promise<void>;
  /** Matching statements to let through first. */
  skip?: number;
}

export interface DbFaultInjector {
  /** Faults not met yet. */
  pending(): number;
  /** What was injected, in order: `<error> <when> <first words of the statement>`. */
  injected: string[];
  restore(): void;
}

function driverError(kind: DbFaultError): Error {
  switch (kind) {
    case 'admin_shutdown':
      return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    case 'connection_lost':
      return new Error('Connection terminated unexpectedly');
    case 'deadlock':
      return Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' });
    case 'serialization_failure':
      return Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001', severity: 'ERROR' });
  }
}

type Session = { prepareQuery: (query: { sql: string }, ...rest: unknown[]) => { execute: (...args: unknown[]) => Promise<unknown> } };

export function injectDbFaults(db: Db, faults: DbFault[]): DbFaultInjector {
  const queue = faults.map((f) => ({ ...f, skip: f.skip ?? 0 }));
  const injected: string[] = [];
  const take = (text: string) => {
    const index = queue.findIndex((f) => f.statement.test(text));
    if (index < 0) return null;
    const fault = queue[index]!;
    if (fault.skip > 0) {
      fault.skip--;
      return null;
    }
    queue.splice(index, 1);
    injected.push(`${fault.error ?? 'hook'} ${fault.when} ${text.replace(/\s+/g, ' ').trim().slice(0, 80)}`);
    return fault;
  };
  const fail = (text: string, kind: DbFaultError) => new DrizzleQueryError(text, [], driverError(kind));

  /**
   * Every statement, raw or built, goes through its session's `prepareQuery`; the prepared statement's `execute`
   * is where it meets the driver. Inside a transaction, an `after` fault is deferred to the commit (`deferred`).
   */
  const wrapSession = (session: Session, deferred: { error: Error | null } | null) => {
    const original = session.prepareQuery;
    session.prepareQuery = function (this: Session, query, ...rest) {
      const prepared = original.call(this, query, ...rest);
      const execute = prepared.execute.bind(prepared);
      prepared.execute = async (...args: unknown[]) => {
        const fault = take(query.sql);
        if (fault?.when === 'before') {
          await fault.run?.();
          if (fault.error) throw fail(query.sql, fault.error);
        }
        const result = await execute(...args);
        if (fault?.when === 'after') {
          await fault.run?.();
          if (fault.error) {
            if (deferred) deferred.error ??= fail(query.sql, fault.error);
            else throw fail(query.sql, fault.error);
          }
        }
        return result;
      };
      return prepared;
    };
    return () => {
      session.prepareQuery = original;
    };
  };

  const sessionOf = (handle: Db) => (handle as unknown as { session: Session }).session;
  const restoreSession = wrapSession(sessionOf(db), null);
  const originalTransaction = db.transaction;
  (db as unknown as { transaction: unknown }).transaction = async function (callback: (tx: Db) => Promise<unknown>, config?: unknown) {
    const deferred: { error: Error | null } = { error: null };
    const result = await (originalTransaction as (this: Db, cb: (tx: Db) => Promise<unknown>, config?: unknown) => Promise<unknown>).call(
      db,
      async (tx) => {
        wrapSession(sessionOf(tx), deferred);
        return callback(tx);
      },
      config,
    );
    if (deferred.error) throw deferred.error;
    return result;
  };

  return {
    pending: () => queue.length,
    injected,
    restore() {
      restoreSession();
      delete (db as unknown as { transaction?: unknown }).transaction;
    },
  };
}
