/**
 * Request counts by path and status, served at `GET /_sandbox/stats` for tests and benchmarks.
 *
 * @example
 * ```ts
 * const stats: StatsSnapshot = await sandboxStats(sandbox.url);
 * expect(stats.by_status['429']).toBe(2);
 * ```
 */
export interface StatsSnapshot {
  total: number;
  by_status: Record<string, number>;
  by_path: Record<string, Record<string, number>>;
}

/**
 * The counters behind `/_sandbox/stats`; the sandbox server records every API request in it.
 *
 * @example
 * ```ts
 * const stats = new RequestStats();
 * stats.record('/repos/acme/api/issues', 200);
 * stats.snapshot(); // { total: 1, by_status: { '200': 1 }, by_path: { '/repos/acme/api/issues': { '200': 1 } } }
 * ```
 */
export class RequestStats {
  private total = 0;
  private readonly byStatus = new Map<string, number>();
  private readonly byPath = new Map<string, Map<string, number>>();

  /** `status` is the HTTP status, or a label such as `truncated` for a response cut short. */
  record(path: string, status: number | string): void {
    const key = String(status);
    this.total += 1;
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    let statuses = this.byPath.get(path);
    if (!statuses) {
      statuses = new Map();
      this.byPath.set(path, statuses);
    }
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }

  snapshot(): StatsSnapshot {
    const byPath: Record<string, Record<string, number>> = {};
    for (const [path, statuses] of this.byPath) byPath[path] = Object.fromEntries(statuses);
    return { total: this.total, by_status: Object.fromEntries(this.byStatus), by_path: byPath };
  }

  reset(): void {
    this.total = 0;
    this.byStatus.clear();
    this.byPath.clear();
  }
}
