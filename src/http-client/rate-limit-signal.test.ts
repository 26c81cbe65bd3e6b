import { describe, expect, it } from 'vitest';
import { isRateLimited, providerWaitMs } from './rate-limit-signal.js';

describe('rate-limit signals', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('takes 429 always, and 403 only with a marker', () => {
    expect(isRateLimited(429, {}, '')).toBe(true);
    expect(isRateLimited(403, {}, '{"message":"Resource not accessible by integration"}')).toBe(false);
    expect(isRateLimited(403, { 'x-ratelimit-remaining': '0' }, '')).toBe(true);
    expect(isRateLimited(403, {}, 'You have exceeded a secondary rate limit')).toBe(true);
  });

  it("reads Google's 403 rateLimitExceeded / userRateLimitExceeded, and backs off instead of GitHub's minute", () => {
    const google = (reason: string) => JSON.stringify({ error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason, message: 'Rate Limit Exceeded' }] } });
    expect(isRateLimited(403, {}, google('rateLimitExceeded'))).toBe(true);
    expect(isRateLimited(403, {}, google('userRateLimitExceeded'))).toBe(true);
    // A daily quota or a missing permission is not something a retry fixes.
    expect(isRateLimited(403, {}, google('dailyLimitExceeded'))).toBe(false);
    expect(isRateLimited(403, {}, google('insufficientPermissions'))).toBe(false);
    expect(providerWaitMs(403, {}, google('rateLimitExceeded'), now)).toBeNull();
    expect(providerWaitMs(403, {}, 'secondary rate limit', now)).toBe(60_000);
    expect(providerWaitMs(429, { 'retry-after': '7' }, '', now)).toBe(7_000);
  });
});
