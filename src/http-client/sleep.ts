import { AbortError } from './abort-error.js';

/**
 * Waits `ms`, but rejects with `AbortError` the moment the signal aborts, so a cancelled run stops promptly.
 * For a connector's own back-off (the HTTP client already retries HTTP-level failures).
 *
 * @example
 * ```ts
 * await sleep(1000 * 2 ** attempt, ctx.signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
