/**
 * Paces an open endpoint per client address (dynamic registration: anyone may register a client; the consent
 * page's sign-in): a fixed window of `limit` requests. Bounded memory: windows are dropped once over, and at most `maxAddresses` are tracked
 * (a flood from many addresses then shares one bucket, which slows registration rather than growing memory).
 */
export class AddressRateLimit {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this address may go ahead now (and counts it). */
  take(address: string): boolean {
    const now = this.now();
    if (this.#windows.size >= this.maxAddresses) {
      for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    }
    const key = this.#windows.size >= this.maxAddresses && !this.#windows.has(address) ? '*' : address;
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count <= this.limit;
  }
}
