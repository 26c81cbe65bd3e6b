import type { RetryPolicy } from './http-types.js';

/**
 * Exponential backoff with full jitter (a uniform draw below the exponential cap): many workers retrying
 * the same provider spread out instead of hitting it again in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Client defaults, then the request's overrides; `false` means a single attempt (e.g. a verify probe). */
export function resolveRetryPolicy(
  client: false | Partial<RetryPolicy> | undefined,
  request: false | Partial<RetryPolicy> | undefined,
): RetryPolicy {
  if (request === false) return { ...DEFAULT_RETRY_POLICY, ...client, maxAttempts: 1 };
  const merged = { ...DEFAULT_RETRY_POLICY, ...(client === false ? { maxAttempts: 1 } : client), ...request };
  return { ...merged, maxAttempts: Math.max(1, merged.maxAttempts) };
}
