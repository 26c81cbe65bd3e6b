/**
 * Database failures that a later attempt may not meet: the server went away (a restart, a failover,
 * `pg_terminate_backend`), the connection broke, or PostgreSQL chose this transaction as the victim of a
 * serialization conflict or deadlock. Anything else (a constraint, a type error, a bug in a statement) fails the
 * same way every time, so it is not retried.
 *
 * PGlite runs in this process with one connection: it has no backends to lose, no network and no concurrent
 * transactions, so none of these can happen there. The same classifier and the same retries still run on it
 * (test/db-faults.test.ts injects these errors through the database port of both).
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast shutdown
  '57P02', // crash_shutdown: another backend crashed and the server is resetting
  '57P03', // cannot_connect_now: the server is starting up or in recovery
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections: the pools of every process reconnect at once after a restart
]);

/** node-postgres and Node's socket errors when the connection is lost (they carry no SQLSTATE). */
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);

const TRANSIENT_MESSAGES =
  /Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|server closed the connection unexpectedly|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * A short reason, free of statement text and parameters (SQLSTATE, socket code, or `connection_lost`), when the
 * error is a transient database failure; null otherwise. Drizzle wraps the driver's error in `cause`.
 */
export function transientDbReason(error: unknown): string | null {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return code;
      if (TRANSIENT_NODE_CODES.has(code)) return code;
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return 'connection_lost';
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function isTransientDbError(error: unknown): boolean {
  return transientDbReason(error) !== null;
}
