/**
 * Cancellation is not a failure: the engine ends the run CANCELLED and keeps committed work. Callers tell the
 * two apart by `name === 'AbortError'`, the convention fetch and Node streams already use.
 */
export class AbortError extends Error {
  constructor(reason?: unknown) {
    super('The operation was aborted', reason === undefined ? undefined : { cause: reason });
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(signal.reason);
}

export function isAbortError(value: unknown): boolean {
  return value instanceof Error && value.name === 'AbortError';
}
