import type { Manifest } from '../../contracts/manifest.js';
import { paceFor } from '../../core/request-pace.js';
import { createRateLimiter, createSsrfGuard, type RateLimiter, type SsrfGuard } from '../../http-client/index.js';

export interface ProviderTrafficOptions {
  /** Milliseconds, monotonic; the rate limiters' own clock (tests inject one). */
  now?: () => number;
  /** How often, at most, idle limiters are looked for on the way through `limiterFor`. Default 60 s. */
  sweepEveryMs?: number;
}

interface PacedEntry {
  limiter: RateLimiter;
  /** When the bucket is full again if nobody asks meanwhile: from then on a fresh limiter is the same limiter. */
  fullAt: number;
}

/**
 * What every outbound request to a provider shares in this process: each connection's pace (one token bucket per
 * connection, so parallel streams and runs share the provider's quota) and the SSRF guards (one per allowlist,
 * each with its connection pool). Built once in `cli/runtime.ts` and passed down (ServiceDeps, EngineDeps); tests
 * build their own, so two runtimes in one process never share a bucket.
 *
 * Bounded: a connection's limiter is dropped once its bucket has refilled (idle for its burst / pace window),
 * because a fresh bucket starts full: dropping it then changes no request's timing. An LRU cap was the other
 * choice, but it would reset a busy connection's debt and let it burst past its provider's limit. The guards are
 * keyed by the operator's allowlist (TRIBUTARY_ALLOW_PRIVATE_HOSTS), never by anything a tenant sends, so there is
 * one per configuration; they are closed with the runtime.
 */
export class ProviderTraffic {
  readonly #guards = new Map<string, SsrfGuard>();
  readonly #paced = new Map<string, PacedEntry>();
  readonly #now: () => number;
  readonly #sweepEveryMs: number;
  #nextSweepAt: number;

  constructor(options: ProviderTrafficOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#sweepEveryMs = options.sweepEveryMs ?? 60_000;
    this.#nextSweepAt = this.#now() + this.#sweepEveryMs;
  }

  /** One guard (and its connection pool) per allowlist, shared by all connections. */
  guardFor(allowPrivateHosts: readonly string[]): SsrfGuard {
    const key = allowPrivateHosts.join(',');
    let guard = this.#guards.get(key);
    if (!guard) {
      guard = createSsrfGuard({ allowPrivateHosts });
      this.#guards.set(key, guard);
    }
    return guard;
  }

  /**
   * The connection's throttle at its pace (`requests_per_second`, else the manifest's), or undefined for a connector
   * that is not paced. The handle looks its bucket up at each request, so a bucket dropped while idle is simply
   * made again, full. A connection whose pace changed gets another bucket at its new pace; a client still holding
   * the old pace keeps the old one until it goes idle.
   */
  limiterFor(connectionId: string, manifest: Manifest, config: Record<string, unknown>): RateLimiter | undefined {
    const pace = paceFor(manifest, config);
    if (!pace) return undefined;
    const key = `${connectionId}\u0000${pace.requestsPerSecond}\u0000${pace.burst}`;
    const spacingMs = 1000 / pace.requestsPerSecond;
    return {
      acquire: (signal?: AbortSignal) => {
        const now = this.#now();
        this.#sweep(now);
        let entry = this.#paced.get(key);
        if (!entry) {
          entry = { limiter: createRateLimiter({ ...pace, now: this.#now }), fullAt: now };
          this.#paced.set(key, entry);
        }
        // Each request takes one token, given back `spacingMs` later: the bucket is full again once the debt is
        // repaid (a request that gives its token back, cancelled, only makes that earlier).
        entry.fullAt = Math.max(entry.fullAt, now) + spacingMs;
        return entry.limiter.acquire(signal);
      },
    };
  }

  /** Connections (by pace) holding a bucket now; for tests and diagnostics. */
  get pacedConnections(): number {
    return this.#paced.size;
  }

  /** Drops every bucket that has refilled. Cheap enough to run at most once per `sweepEveryMs`; `force` for tests. */
  sweep(force = false): void {
    this.#sweep(this.#now(), force);
  }

  #sweep(now: number, force = false): void {
    if (!force && now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#sweepEveryMs;
    for (const [key, entry] of this.#paced) if (entry.fullAt <= now) this.#paced.delete(key);
  }

  /** Closes the guards' connection pools (at the runtime's close, once nothing sends any more). */
  async close(): Promise<void> {
    const guards = [...this.#guards.values()];
    this.#guards.clear();
    this.#paced.clear();
    await Promise.all(guards.map((guard) => guard.close()));
  }
}
