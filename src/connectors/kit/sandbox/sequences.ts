/**
 * Random-access sequences of item keys, for sandboxes that list millions of generated items without holding them:
 * a list is built from a few binary searches over seeded positions, so page 5,000 costs what page 1 does.
 */
/**
 * A random-access list of item keys: `length`, and the key at a position. Sandboxes compose them (reversed,
 * filtered) to serve sorted, filtered list endpoints page by page.
 *
 * @example
 * ```ts
 * const byUpdate: Sequence = { length: n, at: (i) => layout.keyAt(i) };
 * const page = Array.from({ length: Math.min(perPage, byUpdate.length - offset) }, (_, j) => byUpdate.at(offset + j));
 * ```
 */
export interface Sequence {
  readonly length: number;
  at(i: number): number;
}

/**
 * The first index in `[lo, hi)` at which the monotone `isAtOrAfter` holds (`hi` when none): a binary search,
 * e.g. for the first item updated at or after a `since` parameter.
 *
 * @example
 * ```ts
 * const m0 = since === null ? 0 : lowerBound(0, n, (m) => layout.updatedAt(k(m)) >= since);
 * ```
 */
export function lowerBound(lo: number, hi: number, isAtOrAfter: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isAtOrAfter(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A sequence read back to front, without copying it (a `direction=desc` list).
 *
 * @example
 * ```ts
 * if (query.direction === 'desc') sequence = new ReversedSequence(sequence);
 * ```
 */
export class ReversedSequence implements Sequence {
  constructor(private readonly inner: Sequence) {}
  get length(): number {
    return this.inner.length;
  }
  at(i: number): number {
    return this.inner.at(this.inner.length - 1 - i);
  }
}

const checkpointEvery = 256;

/**
 * A sequence filtered by a predicate: counted once, with the sequence index of every 256th match kept, so
 * `at` and `slice` far into it stay cheap. The predicate takes an item key.
 *
 * @example
 * ```ts
 * const open = new FilteredSequence(sequence, (k) => layout.stateOf(k) === 'open');
 * const page = open.slice(offset, perPage);
 * ```
 */
export class FilteredSequence implements Sequence {
  readonly length: number;
  private readonly checkpoints: number[] = [];

  constructor(
    private readonly inner: Sequence,
    private readonly keep: (k: number) => boolean,
  ) {
    let matches = 0;
    for (let i = 0; i < inner.length; i++) {
      if (!keep(inner.at(i))) continue;
      if (matches % checkpointEvery === 0) this.checkpoints.push(i);
      matches += 1;
    }
    this.length = matches;
  }

  at(i: number): number {
    return this.slice(i, 1)[0]!;
  }

  slice(start: number, count: number): number[] {
    const out: number[] = [];
    if (start >= this.length) return out;
    const checkpoint = Math.floor(start / checkpointEvery);
    let seen = checkpoint * checkpointEvery;
    for (let i = this.checkpoints[checkpoint]!; i < this.inner.length && out.length < count; i++) {
      const k = this.inner.at(i);
      if (!this.keep(k)) continue;
      if (seen >= start) out.push(k);
      seen += 1;
    }
    return out;
  }
}
