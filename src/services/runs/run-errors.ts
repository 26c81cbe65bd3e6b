import { isAppError } from '../../contracts/errors.js';
import { createScrubber } from '../../http-client/index.js';
import { isTransientDbError } from '../../core/transient-error.js';

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

/**
 * Thrown into a run whose worker is shutting down (SIGTERM): the run stops at a page boundary with its work
 * committed and goes back to the queue, to resume from its checkpoint. Not a cancel: the run stays active.
 */
export class RunHandedBackError extends Error {
  constructor() {
    super('The worker is shutting down; the run goes back to the queue.');
    this.name = 'RunHandedBackError';
  }
}

export function isHandBack(error: unknown, signal: AbortSignal): boolean {
  return error instanceof RunHandedBackError || (signal.aborted && signal.reason instanceof RunHandedBackError);
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

/** A message fit to store and show: bounded, with every known secret (whole or masked) and credential-shaped value removed. */
export function describeError(error: unknown, secrets: readonly string[], max = 500): string {
  // Drizzle's query errors quote the statement and its parameters (payloads); the database's own message is
  // what a user needs, and all that is safe to keep.
  const cause = (error as { name?: string; constructor?: { name?: string }; cause?: unknown } | null)?.cause;
  const isQueryError = error instanceof Error && error.constructor.name === 'DrizzleQueryError';
  let message = isQueryError && cause instanceof Error ? `database error: ${cause.message}` : error instanceof Error ? error.message : String(error);
  message = createScrubber(secrets)(message);
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}
