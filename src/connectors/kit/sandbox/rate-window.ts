/**
 * A fixed-window request budget, the model behind most providers' `*-ratelimit-*` headers. When `enforce`
 * is off the window silently starts over once it is used up, so a long benchmark never waits an hour.
 */
/**
 * The window after a request: what a provider's rate-limit headers print, and whether the request is refused.
 *
 * @example
 * ```ts
 * const rateLimitHeaders = (state: RateWindowState) => ({
 *   'x-ratelimit-limit': String(state.limit),
 *   'x-ratelimit-remaining': String(state.remaining),
 *   'x-ratelimit-reset': String(state.reset),
 * });
 * ```
 */
export interface RateWindowState {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
  exhausted: boolean;
}

/**
 * A fixed-window request budget of `limit` requests per `windowSeconds` (see the header above); `enforce`
 * refuses requests once it is spent, else the window restarts.
 *
 * @example
 * ```ts
 * const core = new RateLimitWindow(5000, 3600, enforce);
 * const rate = core.hit();
 * if (rate.exhausted) return { status: 403, headers: rateLimitHeaders(rate), body: { message: 'API rate limit exceeded' } };
 * ```
 */
export class RateLimitWindow {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly enforce = false,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Counts one request and reports the window after it. */
  hit(): RateWindowState {
    const now = this.nowMs() / 1000;
    if (now >= this.windowStart + this.windowSeconds) this.startWindow(now);
    if (this.used >= this.limit) {
      if (this.enforce) return this.state(true);
      this.startWindow(now);
    }
    this.used += 1;
    return this.state(false);
  }

  /** The window as it stands, without counting a request. */
  peek(): RateWindowState {
    const now = this.nowMs() / 1000;
    if (now >= this.windowStart + this.windowSeconds) this.startWindow(now);
    return this.state(this.enforce && this.used >= this.limit);
  }

  private startWindow(now: number): void {
    this.windowStart = Math.floor(now);
    this.used = 0;
  }

  private state(exhausted: boolean): RateWindowState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.used),
      used: this.used,
      reset: this.windowStart + this.windowSeconds,
      exhausted,
    };
  }
}
