import {
  type ChangeRequest,
  hash32,
  hashUnit,
  Prng,
  SandboxClock,
  SandboxControlError,
} from '../../kit/sandbox/index.js';
import type { CalendarWorld } from './world.js';

/**
 * The account's events, never all in memory. Seeded events have a global index `k` in `[0, records)`; event
 * `k` lives on calendar `k % calendars`, so a calendar's events are `k = c, c + C, c + 2C…` and position `m`
 * of a calendar's list is simply `c + m·C`. Created events continue the same numbering, so one calendar's
 * list is always that arithmetic sequence up to `nextIndex`.
 *
 * Changes are counted in *change batches* (`seq`): every `POST /_sandbox/changes` is one batch, and every
 * event remembers the batch that last touched it. A sync token is "calendar c as of batch s": the next
 * incremental list returns the events of c touched after s, deletions included, as Google's does.
 */

export interface Mutation {
  version: number;
  updatedMs: number;
}

export interface EventChangeResult {
  stream: 'events';
  updated_at: string | null;
  /** `calendarId/eventId` of each event, so a test can find exactly these. */
  created: string[];
  updated: string[];
  deleted: string[];
}

export interface CalendarChangeResult {
  stream: 'calendars';
  updated: string[];
}

const twoYears = 2 * 365 * 86_400;

export class CalendarStore {
  readonly records: number;
  readonly calendarCount: number;
  /** Seeded `updated` times are before this (epoch ms); changes come after it. */
  readonly seedEndMs: number;
  readonly clock: SandboxClock;
  /** The latest change batch; 0 before any change. */
  seq = 0;
  /** Bumped by `expireSyncTokens`: every token issued before is answered with 410 Gone. */
  tokenEpoch = 1;
  nextIndex: number;
  private readonly mutations = new Map<number, Mutation>();
  private readonly createdAt = new Map<number, number>();
  private readonly deletedAt = new Map<number, number>();
  /** Event → the batch that last touched it (created, updated or deleted). */
  private readonly touched = new Map<number, number>();
  private readonly calendarVersions: number[];
  private readonly calendarUpdated: number[];
  /** Calendar → the batch that last changed its list entry (0: never). */
  private readonly calendarTouched: number[];
  private readonly live: number[];

  constructor(
    readonly seed: number,
    records: number,
    readonly world: CalendarWorld,
  ) {
    this.records = Math.max(0, Math.floor(records));
    this.calendarCount = world.calendars.length;
    this.seedEndMs = (Date.UTC(2024, 5, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 97) * 86_400) * 1000;
    this.clock = new SandboxClock(this.seedEndMs / 1000 + 3600, 60);
    this.nextIndex = this.records;
    this.live = Array.from({ length: this.calendarCount }, (_, c) => this.positions(c, this.records));
    this.calendarVersions = Array.from({ length: this.calendarCount }, () => 0);
    this.calendarUpdated = Array.from({ length: this.calendarCount }, (_, c) => this.seedEndMs - (c + 1) * 86_400_000);
    this.calendarTouched = Array.from({ length: this.calendarCount }, () => 0);
  }

  calendarOf(k: number): number {
    return k % this.calendarCount;
  }

  /** How many of calendar c's sequence positions lie below `end`. */
  positions(c: number, end: number): number {
    return end > c ? Math.floor((end - 1 - c) / this.calendarCount) + 1 : 0;
  }

  /** Positions of calendar c's list right now (live and deleted). */
  length(c: number): number {
    return this.positions(c, this.nextIndex);
  }

  at(c: number, m: number): number {
    return c + m * this.calendarCount;
  }

  /** The position of `k` in its calendar's list. */
  positionOf(k: number): number {
    return Math.floor(k / this.calendarCount);
  }

  exists(k: number): boolean {
    return k >= 0 && k < this.nextIndex && !this.deletedAt.has(k);
  }

  isDeleted(k: number): boolean {
    return this.deletedAt.has(k);
  }

  liveCount(c: number): number {
    return this.live[c] ?? 0;
  }

  version(k: number): number {
    return this.mutations.get(k)?.version ?? 0;
  }

  createdMs(k: number): number {
    const created = this.createdAt.get(k);
    if (created !== undefined) return created;
    return this.seedEndMs - Math.floor(hashUnit(this.seed, k, 1) * twoYears) * 1000 - (hash32(this.seed, k, 3) % 1000);
  }

  /** Last modification (epoch ms); a deleted event's is its deletion. */
  updatedMs(k: number): number {
    const deleted = this.deletedAt.get(k);
    if (deleted !== undefined) return deleted;
    const mutation = this.mutations.get(k);
    if (mutation) return mutation.updatedMs;
    const created = this.createdMs(k);
    return created + Math.floor(hashUnit(this.seed, k, 2) * (this.seedEndMs - 1 - created));
  }

  /** Whether nothing but the seed decides this event (so its `updated` is before `seedEndMs`). */
  isPristine(k: number): boolean {
    return !this.touched.has(k);
  }

  /**
   * Events of calendar c touched in batches `(after, upTo]`, in list order, from position `fromPosition` on.
   * Touched events are few (one per change), so this walks them rather than the calendar.
   */
  touchedBetween(c: number, after: number, upTo: number, fromPosition: number): number[] {
    const out: number[] = [];
    for (const [k, seq] of this.touched) {
      if (seq > after && seq <= upTo && this.calendarOf(k) === c && this.positionOf(k) >= fromPosition) out.push(k);
    }
    return out.sort((a, b) => a - b);
  }

  calendarVersion(c: number): number {
    return this.calendarVersions[c] ?? 0;
  }

  calendarSeq(c: number): number {
    return this.calendarTouched[c] ?? 0;
  }

  calendarUpdatedMs(c: number): number {
    return this.calendarUpdated[c] ?? this.seedEndMs;
  }

  /** Calendar c's most recent change: an event or the calendar itself (the list's `updated`). */
  latestChangeMs(c: number): number {
    let latest = this.calendarUpdatedMs(c);
    for (const k of this.touched.keys()) if (this.calendarOf(k) === c) latest = Math.max(latest, this.updatedMs(k));
    return latest;
  }

  /** Every sync token issued so far stops working: the next incremental read gets 410 Gone. */
  expireSyncTokens(): number {
    this.tokenEpoch += 1;
    return this.tokenEpoch;
  }

  /**
   * `POST /_sandbox/changes`. Events: updates and deletes pick live events at random (seeded by the batch
   * number), creates add events spread over the calendars, all in one batch at one new instant. Calendars:
   * updates rename them (`summaryOverride`) and touch their description; the calendar list has no create or
   * delete here, since subscribing to a calendar would bring its events along.
   */
  applyChanges(change: ChangeRequest): EventChangeResult | CalendarChangeResult {
    if (change.stream === 'calendars') return this.changeCalendars(change);
    if (change.stream !== 'events') throw new SandboxControlError(400, `stream must be "events" or "calendars", not "${change.stream}"`);
    const result: EventChangeResult = { stream: 'events', updated_at: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;
    this.seq += 1;
    const atMs = this.clock.tick() * 1000;
    result.updated_at = new Date(atMs).toISOString();
    const rng = new Prng(hash32(this.seed, 0xc4a46e, this.seq));
    const picked = this.pickLive(change.update + change.delete, rng);
    const name = (k: number) => `${this.world.calendars[this.calendarOf(k)]!.id}/${this.world.eventId(k)}`;
    for (const k of picked.slice(0, change.update)) {
      this.mutations.set(k, { version: this.version(k) + 1, updatedMs: atMs });
      this.touched.set(k, this.seq);
      result.updated.push(name(k));
    }
    for (const k of picked.slice(change.update)) {
      this.deletedAt.set(k, atMs);
      this.touched.set(k, this.seq);
      this.live[this.calendarOf(k)]! -= 1;
      result.deleted.push(name(k));
    }
    for (let i = 0; i < change.create; i++) {
      const k = this.nextIndex++;
      this.createdAt.set(k, atMs);
      this.mutations.set(k, { version: 0, updatedMs: atMs });
      this.touched.set(k, this.seq);
      this.live[this.calendarOf(k)]! += 1;
      result.created.push(name(k));
    }
    return result;
  }

  private changeCalendars(change: ChangeRequest): CalendarChangeResult {
    if (change.create > 0 || change.delete > 0) {
      throw new SandboxControlError(400, 'calendars: only "update" is simulated (a subscribed or removed calendar would bring or take its events along)');
    }
    const result: CalendarChangeResult = { stream: 'calendars', updated: [] };
    if (change.update === 0) return result;
    this.seq += 1;
    const atMs = this.clock.tick() * 1000;
    for (let i = 0; i < Math.min(change.update, this.calendarCount); i++) {
      const c = (this.seq + i) % this.calendarCount;
      this.calendarVersions[c] = this.calendarVersion(c) + 1;
      this.calendarUpdated[c] = atMs;
      this.calendarTouched[c] = this.seq;
      result.updated.push(this.world.calendars[c]!.id);
    }
    return result;
  }

  private pickLive(count: number, rng: Prng): number[] {
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) {
      const k = rng.int(this.nextIndex);
      if (this.exists(k)) chosen.add(k);
    }
    // Few live events left: take them in order rather than hoping the dice find them.
    for (let k = 0; chosen.size < count && k < this.nextIndex; k++) if (this.exists(k)) chosen.add(k);
    return [...chosen];
  }
}
