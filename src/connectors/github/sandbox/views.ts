import { FilteredSequence, lowerBound, ReversedSequence, type Sequence } from '../../kit/sandbox/index.js';
import type { KindFilter } from './layout.js';
import type { GithubStore, ItemFacts } from './store.js';

/**
 * Ordered, filtered, paginated lists over items that are never all in memory.
 *
 * A repository's list in ascending order is a merge of two parts:
 * - a *range* of seeded positions `[m0, n)` (m0 from the `since` binary search) minus the overridden ones,
 *   whose order by created or by updated is their index order;
 * - the *extras*: overridden items that are live (updated or created), sorted by the sort key.
 * Random access costs a few binary searches, so page 5,000 is as cheap as page 1. Filters that no order
 * helps with (state, labels, creator) scan once per query and keep a checkpoint every 256 matches.
 */
export type SortField = 'created' | 'updated';

export interface ListQuery {
  repo: number;
  filter: KindFilter;
  sort: SortField;
  direction: 'asc' | 'desc';
  /** Epoch seconds: only items updated at or after it. */
  since: number | null;
  state: 'open' | 'closed' | 'all';
  /** Label catalogue indexes that must all be present. */
  labels: number[];
  /** User pool index of the author. */
  creator: number | null;
}

/** Ascending order over one repository's list, with `since` applied. */
class MergedSequence implements Sequence {
  readonly length: number;
  private readonly m0: number;
  private readonly excluded: number[];
  private readonly extras: number[];
  private readonly extraPositions: number[];

  constructor(
    private readonly store: GithubStore,
    private readonly repo: number,
    private readonly filter: KindFilter,
    sort: SortField,
    since: number | null,
  ) {
    const { layout } = store;
    const n = layout.seededCount(repo, filter);
    const k = (m: number) => layout.seededAt(repo, filter, m);
    this.m0 = since === null ? 0 : lowerBound(0, n, (m) => layout.updatedAt(k(m)) >= since);
    const overridden = store.overridden(repo, filter);
    this.excluded = [...new Set(overridden.excluded.map((x) => layout.seededPosition(filter, x)))]
      .filter((m) => m >= this.m0)
      .sort((a, b) => a - b);
    const rangeLength = n - this.m0 - this.excluded.length;

    const extras = overridden.live.filter((x) => since === null || store.updatedAt(x) >= since);
    if (sort === 'created') extras.sort((a, b) => a - b);
    else extras.sort((a, b) => store.updatedAt(a) - store.updatedAt(b) || a - b);
    this.extras = extras;
    this.extraPositions = extras.map((x, j) => {
      // Every changed item's `updated_at` is later than all seeded ones, so in updated order the extras come
      // last; in created order a seeded item keeps its place among the seeded range.
      if (sort === 'updated' || !layout.isSeeded(x)) return rangeLength + j;
      const after = lowerBound(this.m0, n, (m) => k(m) > x);
      return after - this.m0 - this.countExcludedBefore(after) + j;
    });
    this.length = rangeLength + extras.length;
  }

  at(i: number): number {
    const j = lowerBound(0, this.extraPositions.length, (x) => this.extraPositions[x]! >= i);
    if (j < this.extras.length && this.extraPositions[j] === i) return this.extras[j]!;
    return this.store.layout.seededAt(this.repo, this.filter, this.nthInRange(i - j));
  }

  private countExcludedBefore(m: number): number {
    return lowerBound(0, this.excluded.length, (x) => this.excluded[x]! >= m);
  }

  /** The seeded position of the `index`-th live item of the range. */
  private nthInRange(index: number): number {
    // live(m) = items of [m0, m] not excluded; find the smallest m with live(m) = index + 1. Jumping by the
    // deficit never overshoots because live() grows by at most one per position.
    let m = this.m0 + index;
    for (;;) {
      const live = m - this.m0 + 1 - this.countExcludedBefore(m + 1);
      if (live >= index + 1) return m;
      m += index + 1 - live;
    }
  }
}

/** Builds and caches the sequences behind list queries; any change to the store drops the cache. */
export class ListIndex {
  private readonly cache = new Map<string, Sequence>();
  private cacheVersion = -1;

  constructor(private readonly store: GithubStore) {}

  /** One page of global item indexes and the total number of matching items. */
  page(query: ListQuery, offset: number, limit: number): { items: number[]; total: number } {
    const sequence = this.sequence(query);
    if (sequence instanceof FilteredSequence) return { items: sequence.slice(offset, limit), total: sequence.length };
    const items: number[] = [];
    for (let i = offset; i < Math.min(sequence.length, offset + limit); i++) items.push(sequence.at(i));
    return { items, total: sequence.length };
  }

  private sequence(query: ListQuery): Sequence {
    if (this.cacheVersion !== this.store.version) {
      this.cache.clear();
      this.cacheVersion = this.store.version;
    }
    const key = JSON.stringify(query);
    const cached = this.cache.get(key);
    if (cached) {
      // Refresh its place in the LRU order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    let sequence: Sequence = new MergedSequence(this.store, query.repo, query.filter, query.sort, query.since);
    if (query.direction === 'desc') sequence = new ReversedSequence(sequence);
    const keep = this.predicate(query);
    if (keep) sequence = new FilteredSequence(sequence, keep);
    this.cache.set(key, sequence);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    return sequence;
  }

  private predicate(query: ListQuery): ((k: number) => boolean) | null {
    const tests: ((facts: ItemFacts) => boolean)[] = [];
    if (query.state !== 'all') {
      const open = query.state === 'open';
      tests.push((facts) => facts.open === open);
    }
    if (query.labels.length > 0) tests.push((facts) => query.labels.every((label) => facts.labels.includes(label)));
    if (query.creator !== null) {
      const creator = query.creator;
      tests.push((facts) => facts.author === creator);
    }
    if (tests.length === 0) return null;
    return (k) => {
      const facts = this.store.facts(k);
      return tests.every((test) => test(facts));
    };
  }
}
