import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

/** A manual clock: `sleep` advances it, so spacing is asserted exactly without waiting. */
function fakeClock() {
  const clock = { t: 0, slept: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.slept.push(Math.round(ms));
      clock.t += ms;
    },
  };
}

describe('createRateLimiter', () => {
  it('lets a burst through, then spaces requests at the configured rate', async () => {
    const { clock, now, sleep } = fakeClock();
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 3, now, sleep });
    const startedAt: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire();
      startedAt.push(Math.round(clock.t));
    }
    expect(startedAt).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills while idle, up to the burst size', async () => {
    const { clock, now, sleep } = fakeClock();
    const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 2, now, sleep });
    await limiter.acquire();
    await limiter.acquire();
    clock.t += 10_000;
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.slept).toEqual([]);
    await limiter.acquire();
    expect(clock.slept).toEqual([500]);
  });

  it('spaces concurrent callers in real time', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 50, burst: 1 });
    const start = performance.now();
    const times = await Promise.all(
      Array.from({ length: 6 }, async () => {
        await limiter.acquire();
        return performance.now() - start;
      }),
    );
    times.sort((a, b) => a - b);
    // Timers may fire late under load but never (more than rounding) early: each caller starts at or after its slot.
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i * 20 - 2));
    expect(times[0]).toBeLessThan(15);
  });

  it('rejects with AbortError and returns the reservation when the caller aborts', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const pending = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow();
  });
});
