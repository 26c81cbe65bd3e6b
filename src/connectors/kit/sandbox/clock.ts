/**
 * A sandbox's clock, in epoch seconds. Seeded data lives before `start`; every change gets a `tick()` that is
 * strictly later than anything issued before, so `updated_at` cursors always move forward. It does not follow
 * the wall clock: the same seed and the same sequence of changes give the same timestamps.
 *
 * @example
 * ```ts
 * const clock = new SandboxClock(clockStart, 60);
 * issue.updated_at = isoSeconds(clock.tick()); // a change through /_sandbox/changes
 * ```
 */
export class SandboxClock {
  private current: number;
  /** The moment `hold` keeps the clock at (a JS private field, so a subclass's own names never clash). */
  #held: number | undefined;

  constructor(
    start: number,
    private readonly stepSeconds = 60,
  ) {
    this.current = start;
  }

  /** The latest time issued (or the start). */
  now(): number {
    return this.current;
  }

  /** Moves forward one step and returns the new time (inside `batch`, the batch's moment). */
  tick(): number {
    if (this.#held !== undefined) return this.#held;
    this.current += this.stepSeconds;
    return this.current;
  }

  /**
   * Runs `change` with the clock held at one new moment, which it returns: for providers that stamp everything one
   * change request touches with the same time (Google Calendar, Deel), where a store ticks once per record.
   *
   * @example
   * ```ts
   * const { at, result } = clock.batch(() => store.apply({ create: 2, update: 3 })); // five records, one `at`
   * ```
   */
  batch<T>(change: (at: number) => T): { at: number; result: T } {
    const at = this.tick();
    this.#held = at;
    try {
      return { at, result: change(at) };
    } finally {
      this.#held = undefined;
    }
  }
}

/**
 * `2024-05-01T12:00:00Z`: ISO 8601 at second precision, as most SaaS APIs print timestamps.
 *
 * @example
 * ```ts
 * isoSeconds(1714564800); // '2024-05-01T12:00:00Z'
 * ```
 */
export function isoSeconds(epochSeconds: number): string {
  // toISOString is always `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0–9999; slicing beats a regex on a hot path.
  const iso = new Date(epochSeconds * 1000).toISOString();
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses an ISO 8601 timestamp to epoch seconds (rounded down), or null when it is not one: how a sandbox reads
 * a `since` or `updated_min` parameter.
 *
 * @example
 * ```ts
 * since = parseIsoSeconds(sinceParam);
 * if (since === null) return { status: 422, body: { message: 'Validation Failed' } };
 * ```
 */
export function parseIsoSeconds(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
