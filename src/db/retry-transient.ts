import { transientDbReason } from '../core/transient-error.js';

export interface DbRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryTransientOptions<T> extends Partial<DbRetryPolicy> {
  /**
   * After a transient failure, before sending the statement again: did it commit on the server although its
   * answer was lost? Returns the result it had (then no retry), or undefined if it did not land. Needed for any
   * write that is not idempotent (counts that add up, a completion that clears what it used).
   */
  landed?: () => Promise<T | undefined>;
  /** Each healed fault: what failed, the reason, and the wait before the next attempt. */
  onRetry?: (info: { attempt: number; reason: string; delayMs: number }) => void;
  /** Stops waiting when aborted (the run was cancelled or superseded). */
  signal?: AbortSignal;
}

/**
 * Defaults: 7 attempts, waits of 0.25, 0.5, 1, 2, 4, 8 s: about 16 s of database absence healed in place, long
 * enough for a backend to be replaced or a server to restart; beyond that the caller fails transiently and the
 * run resumes from its checkpoint on a later attempt.
 */
const defaults: DbRetryPolicy = { attempts: 7, baseDelayMs: 250, maxDelayMs: 8000 };

/** Thrown when the transient failure outlasted the retries: still transient (the kind says so to the engine). */
export class DatabaseUnavailableError extends Error {
  readonly kind = 'transient';
  readonly reason: string;
  constructor(reason: string, attempts: number, cause: unknown) {
    super(`database unavailable (${reason}) after ${attempts} attempts`, { cause });
    this.name = 'DatabaseUnavailableError';
    this.reason = reason;
  }
}

/**
 * Runs `fn`, and again after a transient database failure (connection lost, admin shutdown, serialization
 * failure, deadlock) with exponential backoff, a bounded number of times. Other errors pass through at once.
 * `fn` must be one statement or one transaction: either it landed whole or not at all, and `landed` tells which.
 */
export async function retryTransient<T>(fn: () => Promise<T>, options: RetryTransientOptions<T> = {}): Promise<T> {
  const attempts = options.attempts ?? defaults.attempts;
  const base = options.baseDelayMs ?? defaults.baseDelayMs;
  const max = options.maxDelayMs ?? defaults.maxDelayMs;
  let attempt = 1;
  /** Counts one failed attempt: throws once they are used up, else waits before the next. */
  const failed = async (error: unknown): Promise<void> => {
    const reason = transientDbReason(error);
    if (reason === null) throw error;
    if (attempt >= attempts) throw new DatabaseUnavailableError(reason, attempt, error);
    const delayMs = Math.min(max, base * 2 ** (attempt - 1));
    options.onRetry?.({ attempt, reason, delayMs });
    attempt++;
    await wait(delayMs, options.signal);
  };
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      await failed(error);
    }
    // Asking is itself a statement and may meet the same outage: then it is asked again after the next wait,
    // rather than sending a write that may already have landed.
    while (options.landed) {
      try {
        const result = await options.landed();
        if (result !== undefined) return result;
        break;
      } catch (error) {
        await failed(error);
      }
    }
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
