import { FilteredSequence, lowerBound, ReversedSequence, type Sequence } from '../../kit/sandbox/index.js';
import type { DateBound } from './jql-parser.js';
import type { JiraStore } from './store.js';

/**
 * Search results over issues that are never all in memory: the issues matching a query in `updated` order, with
 * random access, so page 5,000 costs what page 1 does.
 *
 * Ascending, the order is a range of seeded indexes `[m0, n)` (m0 from a binary search on the lowest `updated`
 * bound; seeded `updated` grows with the index) minus the seeded issues that changed or were deleted, followed by
 * the changed live issues sorted by `updated` then key — every change is later than all seeded data. Other
 * restrictions (projects, keys, upper bounds, `created`) filter that sequence in one counted scan that keeps a
 * checkpoint every 256 matches.
 */
export interface SearchQuery {
  updated: DateBound[];
  predicate: ((k: number) => boolean) | null;
  descending: boolean;
  keyDescending: boolean;
}

class AscendingSequence implements Sequence {
  readonly length: number;
  private readonly m0: number;
  private readonly rangeLength: number;
  private readonly excluded: number[];
  private readonly extras: number[];

  constructor(
    store: JiraStore,
    updated: DateBound[],
    tieKey: (k: number) => [string, number],
    keyDescending: boolean,
  ) {
    const { layout } = store;
    let m0 = 0;
    for (const bound of updated) {
      if (bound.op === '>=' || bound.op === '>' || bound.op === '=') m0 = Math.max(m0, layout.firstUpdatedFrom(bound.at, bound.op === '>'));
    }
    this.m0 = m0;
    this.excluded = store.displacedSeeded().filter((k) => k >= m0);
    this.rangeLength = layout.issueCount - m0 - this.excluded.length;
    const sign = keyDescending ? -1 : 1;
    const low = updated.filter((b) => b.op === '>=' || b.op === '>');
    this.extras = store
      .changedLive()
      .filter((k) => low.every((b) => (b.op === '>' ? store.updatedAt(k) > b.at : store.updatedAt(k) >= b.at)))
      .sort((a, b) => {
        const byTime = store.updatedAt(a) - store.updatedAt(b);
        if (byTime !== 0) return byTime;
        const [pa, na] = tieKey(a);
        const [pb, nb] = tieKey(b);
        return sign * (pa < pb ? -1 : pa > pb ? 1 : na - nb);
      });
    this.length = this.rangeLength + this.extras.length;
  }

  at(i: number): number {
    if (i >= this.rangeLength) return this.extras[i - this.rangeLength]!;
    // The smallest m with (live items in [m0, m]) = i + 1; jumping by the deficit never overshoots.
    let m = this.m0 + i;
    for (;;) {
      const live = m - this.m0 + 1 - lowerBound(0, this.excluded.length, (x) => this.excluded[x]! > m);
      if (live >= i + 1) return m;
      m += i + 1 - live;
    }
  }
}

/** Builds and caches the sequences behind searches; any change to the store drops the cache. */
export class SearchIndex {
  private readonly cache = new Map<string, Sequence>();
  private cacheVersion = -1;

  constructor(
    private readonly store: JiraStore,
    private readonly tieKey: (k: number) => [string, number],
  ) {}

  /** One page of issue indexes, and the number of matching issues. `cacheKey` names the query (its JQL). */
  page(cacheKey: string, query: SearchQuery, offset: number, limit: number): { items: number[]; total: number } {
    const sequence = this.sequence(cacheKey, query);
    if (sequence instanceof FilteredSequence) return { items: sequence.slice(offset, limit), total: sequence.length };
    const items: number[] = [];
    for (let i = offset; i < Math.min(sequence.length, offset + limit); i++) items.push(sequence.at(i));
    return { items, total: sequence.length };
  }

  private sequence(cacheKey: string, query: SearchQuery): Sequence {
    if (this.cacheVersion !== this.store.version) {
      this.cache.clear();
      this.cacheVersion = this.store.version;
    }
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached;
    }
    // Descending overall is the ascending walk reversed, so its tie-break on key is built the other way round.
    const tieDescending = query.descending ? !query.keyDescending : query.keyDescending;
    let sequence: Sequence = new AscendingSequence(this.store, query.updated, this.tieKey, tieDescending);
    if (query.descending) sequence = new ReversedSequence(sequence);
    if (query.predicate) sequence = new FilteredSequence(sequence, query.predicate);
    this.cache.set(cacheKey, sequence);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    return sequence;
  }
}
