import { isAppError } from '../contracts/errors.js';
import { isTransientDbError } from '../db/transient-error.js';

export type ErrorKind = 'config' | 'transient' | 'provider' | 'internal';

/** Thrown into the stream when a user asked to stop the run. */
export class RunCancelledError extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'RunCancelledError';
  }
}

/** Thrown into a run whose attempt was superseded by a newer one (see heartbeatRunAttempt). */
export class RunSupersededError extends Error {
  constructor() {
    super('Another attempt took this run over.');
    this.name = 'RunSupersededError';
  }
}

export function isCancellation(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason instanceof RunCancelledError || error instanceof RunCancelledError);
}

/**
 * How a failure is classified on the run: the toolkit's HttpError says it; a lost database connection, an admin
 * shutdown, a serialization failure or a deadlock is transient (the run resumes from its checkpoint); anything
 * else is ours.
 */
export function errorKind(error: unknown): ErrorKind {
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === 'config' || kind === 'transient' || kind === 'provider') return kind;
  if (isTransientDbError(error)) return 'transient';
  if (isAppError(error)) return error.status < 500 ? 'config' : 'internal';
  return 'internal';
}

/** A message fit to store and show: bounded, with every known secret removed. */
export function describeError(error: unknown, secrets: readonly string[], max = 500): string {
  // Drizzle's query errors quote the statement and its parameters (payloads); the database's own message is
  // what a user needs, and all that is safe to keep.
  const cause = (error as { name?: string; constructor?: { name?: string }; cause?: unknown } | null)?.cause;
  const isQueryError = error instanceof Error && error.constructor.name === 'DrizzleQueryError';
  let message = isQueryError && cause instanceof Error ? `database error: ${cause.message}` : error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}
