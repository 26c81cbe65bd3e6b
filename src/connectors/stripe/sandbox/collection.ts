/**
 * One kind of object in the sandbox: `seeded` objects that exist only as indexes (generated on the fly), plus
 * objects created through changes, appended after them. Creation time grows with the index, so "newest first",
 * Stripe's list order, is simply descending index order, and `starting_after` an index to count down from.
 */
export class Collection {
  private readonly extraCreated: number[] = [];
  private readonly versions = new Map<number, number>();
  readonly deleted = new Set<number>();

  constructor(
    readonly seeded: number,
    /** Creation time of seeded index 0, and the seconds between two seeded objects. */
    private readonly start: number,
    private readonly step: number,
  ) {}

  get total(): number {
    return this.seeded + this.extraCreated.length;
  }

  get live(): number {
    return this.total - this.deleted.size;
  }

  /** Ever existed (deleted ones too: Stripe still answers for a deleted customer). */
  has(index: number): boolean {
    return Number.isSafeInteger(index) && index >= 0 && index < this.total;
  }

  exists(index: number): boolean {
    return this.has(index) && !this.deleted.has(index);
  }

  isSeeded(index: number): boolean {
    return index < this.seeded;
  }

  createdAt(index: number): number {
    return index < this.seeded ? this.start + index * this.step : this.extraCreated[index - this.seeded]!;
  }

  version(index: number): number {
    return this.versions.get(index) ?? 0;
  }

  bump(index: number): void {
    this.versions.set(index, this.version(index) + 1);
  }

  add(createdAt: number): number {
    this.extraCreated.push(createdAt);
    return this.total - 1;
  }

  /** The highest index created at or before `time` (+1), for `created` filters: a binary search. */
  countCreatedUpTo(time: number): number {
    let lo = 0;
    let hi = this.total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.createdAt(mid) <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
