import {
  type ChangeRequest,
  hash32,
  hashUnit,
  isoSeconds,
  Prng,
  SandboxClock,
  SandboxControlError,
} from '../../kit/sandbox/index.js';
import { Collection } from './collection.js';
import { eventSpreadDays, MailboxWorld, type MailFolder } from './world.js';

/**
 * The simulated mailbox: `records` calendar events in the primary calendar and as many messages spread over
 * the Inbox and Sent Items, generated from `(seed, index, version)`; changes on top of them, each with a
 * mailbox-wide sequence number that delta tokens refer to.
 *
 * Seeded timestamps: events were created 400 to 200 days before the anchor and start within 180 days of it;
 * messages arrived during the year before it. The change clock starts an hour after the anchor, so every
 * change is later than all seeded data.
 */

const day = 86_400;
const halfHour = 1_800;

export type StreamName = 'events' | 'messages';

export interface EventTimes {
  /** Epoch seconds. */
  start: number;
  end: number;
  isAllDay: boolean;
}

export interface ChangeResult {
  stream: StreamName;
  /** The `lastModifiedDateTime` of the batch. */
  modified_at: string | null;
  created: string[];
  updated: string[];
  deleted: string[];
}

export class MailboxStore {
  readonly world: MailboxWorld;
  readonly clock: SandboxClock;
  readonly events: Collection;
  readonly messages: Collection;
  /** The latest change's sequence number: what a delta round started now is "up to". */
  seq = 0;
  /** When a seeded event was created (created ones know their own time). */
  readonly eventCreatedAt: (k: number) => number;
  /** When a seeded message arrived. */
  readonly receivedAt: (k: number) => number;
  private batches = 0;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.world = new MailboxWorld(seed);
    const count = Math.max(0, Math.floor(records));
    const anchor = this.world.anchor;
    const eventStep = Math.max(1, Math.floor((200 * day) / Math.max(1, count)));
    const mailStep = Math.max(1, Math.floor((364 * day) / Math.max(1, count)));
    this.eventCreatedAt = (k) => anchor - 400 * day + k * eventStep + Math.floor(hashUnit(seed, k, 1) * (eventStep / 2));
    this.receivedAt = (k) => anchor - 365 * day + k * mailStep + Math.floor(hashUnit(seed, k, 2) * (mailStep / 2));
    this.events = new Collection(count, (k) => this.eventCreatedAt(k) + Math.floor(hashUnit(seed, k, 3) * (eventStep / 2)));
    this.messages = new Collection(count, (k) => this.receivedAt(k) + Math.floor(hashUnit(seed, k, 4) * (mailStep / 2)));
    this.clock = new SandboxClock(anchor + 3600, 60);
  }

  collection(stream: StreamName): Collection {
    return stream === 'events' ? this.events : this.messages;
  }

  /** An event's time slot; an update moves about a third of events by up to a week. */
  eventTimes(k: number): EventTimes {
    const version = this.events.version(k);
    const base = Math.floor(hashUnit(this.seed, k, 10) * 2 * eventSpreadDays * 48) * halfHour;
    let start = this.world.anchor - eventSpreadDays * day + base;
    if (version > 0 && hash32(this.seed, k, 11, version) % 3 === 0) start += ((hash32(this.seed, k, 12, version) % 15) - 7) * day;
    const isAllDay = hash32(this.seed, k, 13) % 17 === 0;
    if (isAllDay) {
      const midnight = start - (start % day);
      return { start: midnight, end: midnight + day, isAllDay };
    }
    const duration = [1, 1, 2, 2, 2, 3, 4][hash32(this.seed, k, 14, version) % 7]! * halfHour;
    return { start, end: start + duration, isAllDay };
  }

  messageFolder(k: number): MailFolder {
    return hash32(this.seed, k, 20) % 5 === 0 ? 'sentitems' : 'inbox';
  }

  messageReceivedAt(k: number): number {
    return this.messages.createdAt(k) ?? this.receivedAt(k);
  }

  eventCreated(k: number): number {
    return this.events.createdAt(k) ?? this.eventCreatedAt(k);
  }

  /** Live messages per folder. */
  folderCounts(): Record<MailFolder, number> {
    const counts: Record<MailFolder, number> = { inbox: 0, sentitems: 0 };
    // Seeded folders are a hash of the index: counting them once is O(records), cheap next to generating them.
    for (let k = 0; k < this.messages.total; k++) if (this.messages.exists(k)) counts[this.messageFolder(k)] += 1;
    return counts;
  }

  /**
   * `POST /_sandbox/changes`: updates and deletes pick live items at random (seeded by the batch number),
   * creates add new ones. One batch shares one `lastModifiedDateTime`, later than every existing one.
   */
  applyChanges(change: ChangeRequest): ChangeResult {
    if (change.stream !== 'events' && change.stream !== 'messages') {
      throw new SandboxControlError(400, `stream must be "events" or "messages", not "${change.stream}"`);
    }
    const stream: StreamName = change.stream;
    const collection = this.collection(stream);
    const kind = stream === 'events' ? 'event' : 'message';
    this.batches += 1;
    const result: ChangeResult = { stream, modified_at: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const at = this.clock.tick();
    result.modified_at = isoSeconds(at);
    const rng = new Prng(hash32(this.seed, 0xc4a46e, this.batches));
    const picked = pickLive(collection, change.update + change.delete, rng);
    for (const k of picked.slice(0, change.update)) {
      collection.update(++this.seq, k, at);
      result.updated.push(this.world.itemId(kind, k));
    }
    for (const k of picked.slice(change.update)) {
      collection.delete(++this.seq, k);
      result.deleted.push(this.world.itemId(kind, k));
    }
    for (let i = 0; i < change.create; i++) {
      const k = collection.create(++this.seq, at);
      result.created.push(this.world.itemId(kind, k));
    }
    return result;
  }
}

/** Up to `count` distinct live items, chosen by `rng`; when few are left, the first live ones in order. */
function pickLive(collection: Collection, count: number, rng: Prng): number[] {
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count && attempt < count * 20 && collection.total > 0; attempt++) {
    const k = rng.int(collection.total);
    if (collection.exists(k)) chosen.add(k);
  }
  for (let k = 0; chosen.size < count && k < collection.total; k++) if (collection.exists(k)) chosen.add(k);
  return [...chosen];
}
