import { AbortError } from './abort-error.js';
import type { RateLimiter, SleepFn } from './http-types.js';
import { sleep as defaultSleep } from './sleep.js';

export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Requests that may start back to back after a quiet period. Default 1 (strict spacing). */
  burst?: number;
  now?: () => number;
  sleep?: SleepFn;
}

/**
 * A token bucket. Each `acquire` reserves a token at once, letting the balance go negative, and then waits
 * until that debt is repaid: concurrent callers are served in arrival order with exact spacing, and no
 * timer polls. The engine keeps one per connection so parallel streams share the provider's quota.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const rate = options.requestsPerSecond;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error('requestsPerSecond must be a positive number');
  const burst = Math.max(1, options.burst ?? 1);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  let tokens = burst;
  let updatedAt = now();

  function refill(): void {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - updatedAt) / 1000) * rate);
    updatedAt = at;
  }

  return {
    async acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) throw new AbortError(signal.reason);
      refill();
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        await sleep((-tokens / rate) * 1000, signal);
      } catch (error) {
        // A cancelled caller gives its reservation back so the callers queued behind it are not slowed.
        refill();
        tokens = Math.min(burst, tokens + 1);
        throw error;
      }
    },
  };
}
