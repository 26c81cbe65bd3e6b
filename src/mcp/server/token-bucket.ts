/**
 * Per-credential request budget: a bucket of `perMinute` tokens refilled continuously, so a client may burst up to a
 * minute's worth and then proceeds at the steady rate. In-process: each server process limits on its own.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly perMinute: number) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes `cost` tokens for `key`; when there are not enough, nothing is taken and the wait in seconds is returned. */
  take(key: string, cost = 1, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.perMs / 1000)) };
  }

  /** A full bucket is the same as no bucket: dropping those keeps the map as small as the set of busy callers. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
