/**
 * Deterministic randomness for sandboxes. Data of any size is generated item by item from `(seed, index)`,
 * so a sandbox never holds its dataset in memory: `hash32(seed, i)` gives random access, `Prng` a stream.
 */

/**
 * Mixes any number of 32-bit integers into one well-distributed unsigned 32-bit value (murmur3 finaliser): the
 * random access into a sandbox's data. The same inputs always give the same value; add a distinct salt per
 * attribute so attributes of one item do not correlate.
 *
 * @example
 * ```ts
 * const rng = new Prng(hash32(seed, index));
 * const importance = hash32(seed, index, 0x25) % 9 === 0 ? 'high' : 'normal';
 * ```
 */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Fold numbers above 2^32 in as two words so large indexes stay distinct.
    const low = value >>> 0;
    const high = Math.floor(value / 0x1_0000_0000) >>> 0;
    h = Math.imul(h ^ low, 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h ^ high, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform float in [0, 1) from the same inputs as `hash32`.
 *
 * @example
 * ```ts
 * const createdAt = start + k * step + Math.floor(hashUnit(seed, k, 1) * half);
 * ```
 */
export function hashUnit(...values: number[]): number {
  return hash32(...values) / 0x1_0000_0000;
}

/**
 * A small, fast seeded generator (sfc32). Create one per item from `hash32(seed, index, …)` so that items
 * stay independent of each other and of the order they are generated in.
 *
 * @example
 * ```ts
 * const rng = new Prng(hash32(seed, issueIndex));
 * const title = rng.pick(titles);
 * const labels = rng.sample(['bug', 'docs', 'ui'], rng.int(3));
 * ```
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      out.push(pool.splice(this.int(pool.length), 1)[0] as T);
    }
    return out;
  }

  /** Lower-case hex digits, e.g. a commit SHA. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}
