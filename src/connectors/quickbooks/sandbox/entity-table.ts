import { lowerBound, type Sequence } from '../../kit/sandbox/index.js';
import type { EntityName, QuickBooksLayout } from './layout.js';

/**
 * One entity's mutable state: only what changed since the seed. Seeded entities come from the layout; this
 * keeps the updated ones (new version and LastUpdatedTime, and for customers the Active flag), the created
 * ones and the deleted ones with the time of their deletion, which change data capture reports.
 */
interface Mutation {
  version: number;
  updatedAt: number;
  active: boolean;
}

/** A query's time window on `Metadata.LastUpdatedTime`, in whole epoch seconds, both ends inclusive. */
export interface TimeRange {
  from: number | null;
  to: number | null;
}

/** Which entities a query lists by their Active flag (name-list entities list active ones unless asked). */
export type ActiveFilter = 'active' | 'inactive' | 'all';

export class EntityTable {
  private readonly mutations = new Map<number, Mutation>();
  private readonly createdAtOf = new Map<number, number>();
  private readonly deletedAt = new Map<number, number>();
  private nextIndex: number;

  constructor(
    readonly entity: EntityName,
    private readonly layout: QuickBooksLayout,
  ) {
    this.nextIndex = layout.seeded(entity);
  }

  private get seeded(): number {
    return this.layout.seeded(this.entity);
  }

  private isSeeded(k: number): boolean {
    return k >= 0 && k < this.seeded;
  }

  exists(k: number): boolean {
    return (this.isSeeded(k) || this.createdAtOf.has(k)) && !this.deletedAt.has(k);
  }

  isCreated(k: number): boolean {
    return this.createdAtOf.has(k);
  }

  createdAt(k: number): number {
    return this.createdAtOf.get(k) ?? this.layout.createdAt(this.entity, k);
  }

  updatedAt(k: number): number {
    return this.mutations.get(k)?.updatedAt ?? this.layout.updatedAt(this.entity, k);
  }

  version(k: number): number {
    return this.mutations.get(k)?.version ?? 0;
  }

  active(k: number): boolean {
    return this.mutations.get(k)?.active ?? true;
  }

  /** Live entities (deleted ones excluded; inactive customers included). */
  count(): number {
    return this.seeded + this.createdAtOf.size - this.deletedAt.size;
  }

  /** The index of an entity by its Id, when it is live. */
  byId(id: string): number | null {
    if (!/^[1-9]\d*$/.test(id)) return null;
    const k = Number(id) - 1;
    return this.exists(k) ? k : null;
  }

  /** Every live entity, in the order of their index (used to pick changes). */
  liveAt(i: number): number | null {
    const total = this.nextIndex;
    if (i < 0 || i >= total) return null;
    return this.exists(i) ? i : null;
  }

  get indexCount(): number {
    return this.nextIndex;
  }

  update(k: number, at: number, changes: { active?: boolean } = {}): void {
    this.mutations.set(k, { version: this.version(k) + 1, updatedAt: at, active: changes.active ?? this.active(k) });
  }

  create(at: number): number {
    const k = this.nextIndex++;
    this.createdAtOf.set(k, at);
    this.mutations.set(k, { version: 0, updatedAt: at, active: true });
    return k;
  }

  delete(k: number, at: number): void {
    this.deletedAt.set(k, at);
  }

  /** Deleted entities whose deletion falls in the range, with its time. */
  deletions(range: TimeRange): { k: number; at: number }[] {
    const out: { k: number; at: number }[] = [];
    for (const [k, at] of this.deletedAt) {
      if ((range.from === null || at >= range.from) && (range.to === null || at <= range.to)) out.push({ k, at });
    }
    return out.sort((a, b) => a.at - b.at || a.k - b.k);
  }

  /**
   * Live entities in the range, in ascending LastUpdatedTime (ties by Id): the seeded ones never changed, in
   * index order, then the changed and created ones, which are all later than any seeded time.
   */
  list(range: TimeRange, active: ActiveFilter): Sequence {
    const n = this.seeded;
    const time = (m: number) => this.layout.updatedAt(this.entity, m);
    const m0 = range.from === null ? 0 : lowerBound(0, n, (m) => time(m) >= range.from!);
    const m1 = range.to === null ? n : lowerBound(m0, n, (m) => time(m) > range.to!);
    // Seeded entities are all active; only changes make one inactive.
    const seededListed = active !== 'inactive';
    const excluded: number[] = [];
    for (const k of [...this.mutations.keys(), ...this.deletedAt.keys()]) if (k >= m0 && k < m1) excluded.push(k);
    const skipped = [...new Set(excluded)].sort((a, b) => a - b);
    const rangeLength = seededListed ? m1 - m0 - skipped.length : 0;
    const inRange = (t: number) => (range.from === null || t >= range.from) && (range.to === null || t <= range.to);
    const extras = [...this.mutations.entries()]
      .filter(([k, m]) => !this.deletedAt.has(k) && inRange(m.updatedAt))
      .filter(([, m]) => active === 'all' || m.active === (active === 'active'))
      .map(([k]) => k)
      .sort((a, b) => this.updatedAt(a) - this.updatedAt(b) || a - b);
    const countSkippedBefore = (m: number) => lowerBound(0, skipped.length, (x) => skipped[x]! >= m);
    const nthInRange = (index: number): number => {
      // live(m) = entities of [m0, m] not skipped; jumping by the deficit never overshoots.
      let m = m0 + index;
      for (;;) {
        const live = m - m0 + 1 - countSkippedBefore(m + 1);
        if (live >= index + 1) return m;
        m += index + 1 - live;
      }
    };
    return {
      length: rangeLength + extras.length,
      at: (i: number) => (i < rangeLength ? nthInRange(i) : extras[i - rangeLength]!),
    };
  }
}
