import type { JsonRecord } from '../declarative/stream-spec.js';
import type { SandboxClock } from './clock.js';
import { roundDown } from './cursor-format.js';
import { decodePosition, encodePosition } from './position-token.js';
import { hash32, Prng } from './prng.js';
import { stringHash } from './schema-records.js';
import { lowerBound } from './sequences.js';

/**
 * The one store a simulator keeps per stream: records in the order they last changed (a change sequence that
 * only grows), created, updated and deleted through `/_sandbox/changes` with the sandbox clock. An update moves
 * the record's cursor field to "now" and to the end of the order, so the order is also the cursor's: a cursor
 * filter is a binary search, a page position is a sequence number, and an export token is the sequence reached.
 * A record is kept as its index, cursor and flags; the record itself is made again when read (the same inputs
 * give the same record), so 100,000 records cost a few megabytes.
 */

/**
 * One record as stored: its key, when and in which change it last changed, whether it is deleted.
 *
 * @example
 * ```ts
 * const live = store.list().filter((entry: StoredRecord) => entry.partition === 'ALPHA').map((entry) => entry.record);
 * ```
 */
export interface StoredRecord {
  readonly key: string;
  /** The generator index it was made from. */
  readonly index: number;
  /** The change sequence of its last change (1-based; seeded records get 1…n). */
  readonly seq: number;
  /** Epoch seconds of its last change: its cursor. */
  readonly at: number;
  /** Epoch seconds it was created (seeded or through a change): its `at` until its first update. */
  readonly createdAt: number;
  readonly deleted: boolean;
  /** The partition (parent id) it belongs to, for partitioned streams. */
  readonly partition: string | undefined;
  /** The record as the provider sends it, made anew on each read from its index and cursor (never held). */
  readonly record: JsonRecord;
}

/** A stored record: a few numbers; the record itself is made when read, so a large store stays small. */
class Entry implements StoredRecord {
  deleted = false;
  readonly createdAt: number;

  constructor(
    readonly key: string,
    readonly index: number,
    public seq: number,
    public at: number,
    readonly partition: string | undefined,
    private readonly render: (entry: Entry) => JsonRecord,
  ) {
    this.createdAt = at;
  }

  get record(): JsonRecord {
    return this.render(this);
  }
}

/**
 * How a deleted record is kept: `flag` keeps it with the deletion flag applied (incremental reads show it),
 * `tombstone` keeps it apart for a deletions endpoint, `vanish` forgets it.
 *
 * @example
 * ```ts
 * const mode: DeletionMode = spec.deletions?.type === 'flag' ? 'flag' : 'vanish';
 * ```
 */
export type DeletionMode = 'flag' | 'tombstone' | 'vanish';

/**
 * How a store makes, keys, times and deletes its records.
 *
 * @example
 * ```ts
 * const options: RecordStoreOptions = { make: (i, at) => records.record(i, at), keyOf: (r) => String(r['id']), count: 100, clock, secret: 7 };
 * ```
 */
export interface RecordStoreOptions {
  /** Makes the record at `index` with its cursor at `at` (epoch seconds); the same inputs, the same record. */
  make: (index: number, at: number) => JsonRecord;
  /** The record's primary key, as text. */
  keyOf: (record: JsonRecord) => string;
  /** The key of the record at `index` without making it, when keys are a function of the index (a large store starts at once). */
  keyAt?: (index: number) => string;
  /** How many records are seeded; their cursors end at `clock.now()`, `stepSeconds` apart. */
  count: number;
  clock: SandboxClock;
  /** A secret for the store's tokens (the sandbox seed mixed with the stream). */
  secret: number;
  /** Seconds between seeded records' cursors (default 3600). */
  stepSeconds?: number;
  deletions?: DeletionMode;
  /** Marks a record deleted (`flag` mode), e.g. sets `status: 'deleted'`. */
  applyDeletionFlag?: (record: JsonRecord) => void;
  /** The partition a new record belongs to. */
  partitionOf?: (index: number) => string | undefined;
}

/**
 * What a list query keeps.
 *
 * @example
 * ```ts
 * const changed = store.list({ since: 1_717_200_000, granularity: 'minute', deleted: 'include' } satisfies StoreQuery);
 * ```
 */
export interface StoreQuery {
  /** Only records whose cursor is at or after this moment (epoch seconds). */
  since?: number | null;
  /** `>` instead of `>=`. */
  exclusive?: boolean;
  /** The precision `since` is compared at (rounded down first). */
  granularity?: 'ms' | 'second' | 'minute' | 'day';
  /** Only records changed after this change sequence (an export token, a page position). */
  afterSeq?: number | null;
  partition?: string;
  /** Also deleted records (flagged ones in incremental reads, tombstones for a deletions endpoint). */
  deleted?: 'exclude' | 'include' | 'only';
  /** At most this many (the first ones). */
  limit?: number;
}

/**
 * What a change request did, by key.
 *
 * @example
 * ```ts
 * const { created, updated, deleted }: StoreChanges = store.apply({ create: 1, update: 2, delete: 1 });
 * ```
 */
export interface StoreChanges {
  created: string[];
  updated: string[];
  deleted: string[];
}

/**
 * One stream's records (see the header above).
 *
 * @example
 * ```ts
 * const store = new RecordStore({ make: (i, at) => records.record(i, at), keyOf: (r) => String(r['id']), count: 100, clock, secret: 7 });
 * const changed = store.list({ since: parseCursor(since, 'iso') });
 * store.apply({ create: 2, update: 3, delete: 1 });
 * ```
 */
export class RecordStore {
  private entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  private sequence = 0;
  private nextIndex = 0;
  private changeCount = 0;
  /** Bumped by `expireExportTokens`: tokens are checked against the epoch they were issued in. */
  private exportEpoch = 0;

  constructor(private readonly options: RecordStoreOptions) {
    const step = options.stepSeconds ?? 3600;
    const end = options.clock.now();
    for (let i = 0; i < options.count; i++) this.insert(end - step * (options.count - i));
  }

  /** The change sequence reached: the last change's number. */
  get reached(): number {
    return this.sequence;
  }

  /** How many records are live (not deleted). */
  liveCount(partition?: string): number {
    return this.entries.filter((e) => !e.deleted && (partition === undefined || e.partition === partition)).length;
  }

  get(key: string): StoredRecord | undefined {
    return this.byKey.get(key);
  }

  /** How many records a query keeps (its `limit` aside). */
  count(query: StoreQuery = {}): number {
    let n = 0;
    this.scan(query, () => {
      n += 1;
      return true;
    });
    return n;
  }

  /** The records a query keeps, in change order (which is also cursor order). */
  list(query: StoreQuery = {}): StoredRecord[] {
    const out: StoredRecord[] = [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return out;
    this.scan(query, (entry) => {
      out.push(entry);
      return out.length < limit;
    });
    return out;
  }

  /** Visits the records a query keeps, in order, while `visit` says go on. */
  private scan(query: StoreQuery, visit: (entry: StoredRecord) => boolean): void {
    let start = 0;
    if (query.since !== undefined && query.since !== null) {
      const since = roundDown(query.since, query.granularity ?? 'ms');
      start = lowerBound(0, this.entries.length, (i) => (query.exclusive ? this.entries[i]!.at > since : this.entries[i]!.at >= since));
    }
    const afterSeq = query.afterSeq;
    if (afterSeq !== undefined && afterSeq !== null) {
      start = Math.max(start, lowerBound(0, this.entries.length, (i) => this.entries[i]!.seq > afterSeq));
    }
    const deleted = query.deleted ?? 'exclude';
    for (let i = start; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (query.partition !== undefined && entry.partition !== query.partition) continue;
      if (deleted === 'exclude' && entry.deleted) continue;
      if (deleted === 'only' && !entry.deleted) continue;
      if (!visit(entry)) return;
    }
  }

  /** Creates, updates and deletes records (deterministically chosen), each change one clock tick. */
  apply(change: { create?: number; update?: number; delete?: number }): StoreChanges {
    this.changeCount += 1;
    const rng = new Prng(hash32(this.options.secret, 0xc4, this.changeCount));
    const result: StoreChanges = { created: [], updated: [], deleted: [] };
    for (let i = 0; i < (change.create ?? 0); i++) result.created.push(this.insert(this.options.clock.tick()).key);
    // Updates and deletes pick among the records live before this change, never one twice.
    const live = this.entries.filter((e) => !e.deleted && !result.created.includes(e.key));
    const chosen = rng.sample(live, (change.update ?? 0) + (change.delete ?? 0));
    for (const entry of chosen.slice(0, change.update ?? 0)) {
      this.touch(entry);
      result.updated.push(entry.key);
    }
    for (const entry of chosen.slice(change.update ?? 0)) {
      this.remove(entry);
      result.deleted.push(entry.key);
    }
    return result;
  }

  /**
   * An opaque page position after change `seq`. A `scope` (a partition, a query's filters) makes it valid only
   * where it was issued: read with another scope, it is refused.
   */
  positionToken(seq: number, scope?: string): string {
    return encodePosition('page', seq, this.scoped(this.options.secret, scope));
  }

  /** The change sequence a page position names, or null when it is not one of this store's (and scope's). */
  readPosition(token: string, scope?: string): number | null {
    return decodePosition('page', token, this.scoped(this.options.secret, scope));
  }

  /** A token for the change sequence reached (token-type incremental reads start after it next time), per scope. */
  exportToken(scope?: string): string {
    return encodePosition('export', this.sequence, this.scoped(this.exportSecret(), scope));
  }

  /** Every export token issued so far is refused from now on, as when a provider forgets sync positions. */
  expireExportTokens(): void {
    this.exportEpoch += 1;
  }

  /** The change sequence an export token names, or null when it is not one of this store's (or scope's, or lies ahead). */
  readExportToken(token: string, scope?: string): number | null {
    const seq = decodePosition('export', token, this.scoped(this.exportSecret(), scope));
    return seq === null || seq > this.sequence ? null : seq;
  }

  private exportSecret(): number {
    return hash32(this.options.secret, this.exportEpoch);
  }

  /** No scope keeps the secret as it was, so unscoped tokens stay what they were. */
  private scoped(secret: number, scope: string | undefined): number {
    return scope === undefined ? secret : hash32(secret, stringHash(scope));
  }

  private insert(at: number): Entry {
    const index = this.nextIndex++;
    const key = this.options.keyAt?.(index) ?? this.options.keyOf(this.options.make(index, at));
    const entry = new Entry(key, index, ++this.sequence, at, this.options.partitionOf?.(index), this.render);
    this.entries.push(entry);
    this.byKey.set(entry.key, entry);
    return entry;
  }

  private readonly render = (entry: Entry): JsonRecord => {
    const record = this.options.make(entry.index, entry.at);
    if (entry.deleted && (this.options.deletions ?? 'vanish') === 'flag') this.options.applyDeletionFlag?.(record);
    return record;
  };

  /** Moves a record to "now": a new tick, a new sequence, the end of the order. */
  private touch(entry: Entry): void {
    this.entries.splice(this.entries.indexOf(entry), 1);
    entry.at = this.options.clock.tick();
    entry.seq = ++this.sequence;
    this.entries.push(entry);
  }

  private remove(entry: Entry): void {
    const mode = this.options.deletions ?? 'vanish';
    if (mode === 'vanish') {
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.byKey.delete(entry.key);
      this.sequence += 1;
      return;
    }
    this.touch(entry);
    entry.deleted = true;
  }
}
