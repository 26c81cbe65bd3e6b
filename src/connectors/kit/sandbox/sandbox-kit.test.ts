import { describe, expect, it } from 'vitest';
import { isoSeconds, parseIsoSeconds, SandboxClock } from './clock.js';
import { FaultInjector } from './faults.js';
import { hash32, Prng } from './prng.js';
import { RateLimitWindow } from './rate-window.js';
import { RequestStats } from './stats.js';

describe('prng', () => {
  it('is deterministic per seed and spreads values', () => {
    const a = new Prng(hash32(42, 7));
    const b = new Prng(hash32(42, 7));
    const c = new Prng(hash32(42, 8));
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[new Prng(hash32(1, i)).int(10)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });

  it('hashes large indexes without collisions between nearby values', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(hash32(3, 2 ** 33 + i));
    expect(seen.size).toBe(5000);
    expect(hash32(1, 2 ** 32)).not.toBe(hash32(1, 0));
  });
});

describe('clock', () => {
  it('moves strictly forward and prints second-precision ISO', () => {
    const clock = new SandboxClock(1_700_000_000, 60);
    const first = clock.tick();
    expect(clock.tick()).toBeGreaterThan(first);
    expect(isoSeconds(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    expect(parseIsoSeconds('2023-11-14T22:13:20Z')).toBe(1_700_000_000);
    expect(parseIsoSeconds('2023-11-14T22:13:20.999+00:00')).toBe(1_700_000_000);
    expect(parseIsoSeconds('yesterday')).toBeNull();
  });

  it('holds one moment through a change request, then moves on', () => {
    const clock = new SandboxClock(1_700_000_000, 60);
    const { at, result } = clock.batch(() => [clock.tick(), clock.tick()]);
    expect(at).toBe(1_700_000_060);
    expect(result).toEqual([at, at]);
    expect(clock.now()).toBe(at);
    expect(clock.tick()).toBe(at + 60);
  });
});

describe('FaultInjector', () => {
  it('lets `after` requests through, then fails `count` of them, in queue order', () => {
    const faults = new FaultInjector();
    faults.add({ kind: 'server_error', count: 2, after: 1 });
    faults.add({ kind: 'rate_limit', retry_after: 3 });
    expect(faults.take()).toBeNull();
    expect(faults.take()).toMatchObject({ kind: 'server_error', occurrence: 1, status: null });
    expect(faults.take()).toMatchObject({ kind: 'server_error', occurrence: 2 });
    expect(faults.take()).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 3 });
    expect(faults.take()).toBeNull();
    expect(faults.pending()).toEqual([]);
  });

  it('rejects unknown kinds', () => {
    expect(() => new FaultInjector().add({ kind: 'explode' as never })).toThrow();
  });
});

describe('RateLimitWindow', () => {
  it('counts down, then restarts the window unless enforcing', () => {
    let now = 1_000_000;
    const open = new RateLimitWindow(2, 3600, false, () => now);
    expect(open.hit()).toMatchObject({ used: 1, remaining: 1, reset: 1000 + 3600 });
    expect(open.hit()).toMatchObject({ used: 2, remaining: 0, exhausted: false });
    expect(open.hit()).toMatchObject({ used: 1, remaining: 1, exhausted: false });

    const strict = new RateLimitWindow(1, 3600, true, () => now);
    strict.hit();
    expect(strict.hit()).toMatchObject({ exhausted: true, remaining: 0 });
    now += 3_600_000;
    expect(strict.hit()).toMatchObject({ exhausted: false, used: 1 });
  });
});

describe('RequestStats', () => {
  it('counts by path and status', () => {
    const stats = new RequestStats();
    stats.record('/a', 200);
    stats.record('/a', 200);
    stats.record('/a', 'truncated');
    stats.record('/b', 404);
    expect(stats.snapshot()).toEqual({
      total: 4,
      by_status: { '200': 2, truncated: 1, '404': 1 },
      by_path: { '/a': { '200': 2, truncated: 1 }, '/b': { '404': 1 } },
    });
    stats.reset();
    expect(stats.snapshot().total).toBe(0);
  });
});
