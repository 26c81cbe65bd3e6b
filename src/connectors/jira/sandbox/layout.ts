import { hashUnit } from '../../kit/sandbox/index.js';

/**
 * Where every seeded issue lives, computed from `(seed, index)` alone so a million issues cost no memory.
 *
 * Seeded issue `k` (in `[0, issueCount)`) belongs to project `k % projectCount` and is number `floor(k /
 * projectCount) + 1` there, so each project's keys run PROJ-1, PROJ-2… Timestamps are in epoch milliseconds and grow
 * strictly with `k`: `created(k) <= updated(k) < created(k + 1)`. So ordering by updated is index order, and an
 * `updated >= x` restriction is a binary search. Changes made later get timestamps after all of these.
 */
const threeYearsMs = 3 * 365 * 86_400_000;

export class JiraLayout {
  readonly issueCount: number;
  readonly projectCount: number;
  /** Seeded timestamps are before this (epoch ms); the change clock starts after it. */
  readonly end: number;
  private readonly step: number;
  private readonly start: number;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.issueCount = Math.max(0, Math.floor(records));
    this.projectCount = Math.max(2, Math.min(8, Math.ceil(this.issueCount / 1500)));
    this.end = Date.UTC(2025, 0, 1) - (Math.abs(Math.trunc(seed)) % 97) * 86_400_000;
    this.step = Math.max(4, Math.floor(threeYearsMs / Math.max(1, this.issueCount)));
    this.start = this.end - this.issueCount * this.step;
  }

  isSeeded(k: number): boolean {
    return k >= 0 && k < this.issueCount;
  }

  projectOf(k: number): number {
    return k % this.projectCount;
  }

  numberOf(k: number): number {
    return Math.floor(k / this.projectCount) + 1;
  }

  /** How many seeded issues project `p` holds. */
  seededIn(project: number): number {
    return project < this.issueCount ? Math.floor((this.issueCount - 1 - project) / this.projectCount) + 1 : 0;
  }

  createdAt(k: number): number {
    const half = Math.floor(this.step / 2);
    return this.start + k * this.step + Math.floor(hashUnit(this.seed, k, 1) * half);
  }

  updatedAt(k: number): number {
    const half = Math.floor(this.step / 2);
    return this.createdAt(k) + Math.floor(hashUnit(this.seed, k, 2) * half);
  }

  /** The first seeded index whose `updated` passes the bound (`>= from`, or `> from` when exclusive). */
  firstUpdatedFrom(from: number, exclusive: boolean): number {
    let lo = 0;
    let hi = this.issueCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.updatedAt(mid);
      if (exclusive ? at > from : at >= from) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
