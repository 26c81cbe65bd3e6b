import { hashUnit } from '../../kit/sandbox/index.js';

/**
 * Where every seeded item lives, computed from `(seed, index)` alone so that a million items cost no memory.
 *
 * Seeded items have a global index `k` in `[0, total)`. They come in blocks of five consecutive indexes:
 * four issues then one pull request (`k % 5 === 4`), so `records` issues bring `floor(records / 4)` pull
 * requests. Block `b` belongs to repository `b % repoCount`; inside a repository, blocks follow each other,
 * so issue numbers are contiguous (1, 2, 3… with every fifth one a pull request, as on GitHub where issues
 * and pull requests share numbers).
 *
 * Timestamps grow strictly with `k`: `created_at(k) < updated_at(k) < created_at(k + 1)` (or equal at the
 * smallest step). So inside one repository, ordering by created, by updated, by id or by number is the same
 * order, and a `since` filter is a binary search. Changes made later get timestamps after all of these.
 */
export type ItemKind = 'issue' | 'pull';
/** Which items an endpoint lists: the issues endpoint lists both kinds, the pulls endpoint pull requests. */
export type KindFilter = 'any' | 'pull';

const threeYears = 3 * 365 * 86_400;

export class GithubLayout {
  readonly issueCount: number;
  readonly pullCount: number;
  readonly total: number;
  readonly repoCount: number;
  /** Seeded timestamps are before this (epoch seconds); the change clock starts after it. */
  readonly end: number;
  private readonly blocks: number;
  private readonly lastBlockSize: number;
  private readonly step: number;
  private readonly start: number;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.issueCount = Math.max(0, Math.floor(records));
    this.pullCount = Math.floor(this.issueCount / 4);
    this.total = this.issueCount + this.pullCount;
    this.repoCount = Math.max(1, Math.min(8, Math.ceil(this.issueCount / 2000)));
    this.blocks = Math.ceil(this.total / 5);
    this.lastBlockSize = this.total - 5 * (this.blocks - 1);
    this.end = Date.UTC(2025, 0, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 97) * 86_400;
    this.step = Math.max(2, Math.floor(threeYears / Math.max(1, this.total)));
    this.start = this.end - this.total * this.step;
  }

  isSeeded(k: number): boolean {
    return k >= 0 && k < this.total;
  }

  kindOf(k: number): ItemKind {
    return k % 5 === 4 ? 'pull' : 'issue';
  }

  repoOf(k: number): number {
    return Math.floor(k / 5) % this.repoCount;
  }

  numberOf(k: number): number {
    return Math.floor(Math.floor(k / 5) / this.repoCount) * 5 + (k % 5) + 1;
  }

  /** The seeded item with this number in this repository, or null. */
  indexOfNumber(repo: number, number: number): number | null {
    if (!Number.isInteger(number) || number < 1) return null;
    const j = number - 1;
    const k = (Math.floor(j / 5) * this.repoCount + repo) * 5 + (j % 5);
    return k < this.total ? k : null;
  }

  createdAt(k: number): number {
    const half = Math.floor(this.step / 2);
    return this.start + k * this.step + Math.floor(hashUnit(this.seed, k, 1) * half);
  }

  updatedAt(k: number): number {
    const half = Math.floor(this.step / 2);
    return this.createdAt(k) + Math.floor(hashUnit(this.seed, k, 2) * half);
  }

  /** How many blocks repository `repo` holds. */
  private blocksOf(repo: number): number {
    return repo < this.blocks ? Math.floor((this.blocks - 1 - repo) / this.repoCount) + 1 : 0;
  }

  private holdsPartialLastBlock(repo: number): boolean {
    return this.blocks > 0 && (this.blocks - 1) % this.repoCount === repo && this.lastBlockSize < 5;
  }

  /** Seeded items of one repository that an endpoint lists. */
  seededCount(repo: number, filter: KindFilter): number {
    const blocks = this.blocksOf(repo);
    const partial = this.holdsPartialLastBlock(repo);
    if (filter === 'pull') return blocks - (partial ? 1 : 0);
    return blocks * 5 - (partial ? 5 - this.lastBlockSize : 0);
  }

  /** The global index of the `m`-th seeded item (in index order) of a repository's list. */
  seededAt(repo: number, filter: KindFilter, m: number): number {
    if (filter === 'pull') return (m * this.repoCount + repo) * 5 + 4;
    return (Math.floor(m / 5) * this.repoCount + repo) * 5 + (m % 5);
  }

  /** Inverse of `seededAt` for an item of that repository and kind. */
  seededPosition(filter: KindFilter, k: number): number {
    const blockInRepo = Math.floor(Math.floor(k / 5) / this.repoCount);
    return filter === 'pull' ? blockInRepo : blockInRepo * 5 + (k % 5);
  }

  /** The `i`-th seeded issue (not pull request), in index order. */
  issueIndex(i: number): number {
    return Math.floor(i / 4) * 5 + (i % 4);
  }

  /** The `i`-th seeded pull request, in index order. */
  pullIndex(i: number): number {
    return i * 5 + 4;
  }
}
