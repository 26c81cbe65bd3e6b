/**
 * One stream's items at the simulated provider (calendar events, or messages), without holding the seeded ones
 * in memory: item `k < seeded` exists unless deleted and is computed from `(seed, k, version)`; only what
 * changed since the seed is stored.
 *
 * Every change gets a sequence number from the mailbox-wide counter and goes into an append-only log, which
 * is what delta rounds read: "what changed after sequence S" is a binary search plus a scan of the log.
 */

export interface LoggedChange {
  seq: number;
  k: number;
}

interface Mutation {
  version: number;
  modifiedAt: number;
}

export class Collection {
  /** Indexes `[0, total)` have existed; created items continue after the seeded ones. */
  total: number;
  readonly log: LoggedChange[] = [];
  private readonly mutations = new Map<number, Mutation>();
  private readonly created = new Map<number, number>();
  private readonly deleted = new Set<number>();
  private readonly lastSeq = new Map<number, number>();
  private live: number;

  constructor(
    readonly seeded: number,
    private readonly seededModifiedAt: (k: number) => number,
  ) {
    this.total = seeded;
    this.live = seeded;
  }

  exists(k: number): boolean {
    return k >= 0 && k < this.total && !this.deleted.has(k);
  }

  isDeleted(k: number): boolean {
    return this.deleted.has(k);
  }

  isCreated(k: number): boolean {
    return this.created.has(k);
  }

  /** Epoch seconds a created item was created at, or null for a seeded one. */
  createdAt(k: number): number | null {
    return this.created.get(k) ?? null;
  }

  version(k: number): number {
    return this.mutations.get(k)?.version ?? 0;
  }

  modifiedAt(k: number): number {
    return this.mutations.get(k)?.modifiedAt ?? this.seededModifiedAt(k);
  }

  /** The sequence number of the item's latest change (0: unchanged since the seed). */
  latestChange(k: number): number {
    return this.lastSeq.get(k) ?? 0;
  }

  count(): number {
    return this.live;
  }

  create(seq: number, at: number): number {
    const k = this.total++;
    this.created.set(k, at);
    this.mutations.set(k, { version: 0, modifiedAt: at });
    this.live += 1;
    this.record(seq, k);
    return k;
  }

  update(seq: number, k: number, at: number): void {
    this.mutations.set(k, { version: this.version(k) + 1, modifiedAt: at });
    this.record(seq, k);
  }

  delete(seq: number, k: number): void {
    this.deleted.add(k);
    this.live -= 1;
    this.record(seq, k);
  }

  /** Index into `log` of the first change after `seq`. */
  logPositionAfter(seq: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.seq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private record(seq: number, k: number): void {
    this.log.push({ seq, k });
    this.lastSeq.set(k, seq);
  }
}
