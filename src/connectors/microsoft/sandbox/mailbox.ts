import { hash32, hashUnit, type StoredRecord } from '../../kit/sandbox/index.js';
import { eventSpreadDays, type MailboxWorld, type MailFolder } from './world.js';

/**
 * What the kit's stores do not know about a mailbox's items, made from an item's index and its stored times: an
 * event's time slot, when it was created, which folder a message is in, and whether an item was changed since it
 * was created (a change moves an event, renames it, flags or reads a message: `revision` salts those choices).
 */

const day = 86_400;
const halfHour = 1_800;

export interface EventTimes {
  /** Epoch seconds. */
  start: number;
  end: number;
  isAllDay: boolean;
}

export class Mailbox {
  constructor(
    readonly world: MailboxWorld,
    /** Items seeded per stream: indexes below it existed before the sandbox started. */
    private readonly seeded: number,
  ) {}

  get seed(): number {
    return this.world.seed;
  }

  /** 0 while an item is as it was created; the moment of its latest update after that. */
  revision(entry: StoredRecord): number {
    return entry.at === entry.createdAt ? 0 : entry.at;
  }

  /**
   * When an event was created: a created one at its change; a seeded one up to 60 days before the store's time for
   * it (seeded events were planned ahead).
   */
  eventCreatedAt(entry: StoredRecord): number {
    if (entry.index >= this.seeded) return entry.createdAt;
    return entry.createdAt - Math.floor(hashUnit(this.seed, entry.index, 1) * 60 * day);
  }

  /** An event's time slot, within `eventSpreadDays` of the anchor; an update moves about a third of them by up to a week. */
  eventTimes(entry: StoredRecord): EventTimes {
    const k = entry.index;
    const revision = this.revision(entry);
    const base = Math.floor(hashUnit(this.seed, k, 10) * 2 * eventSpreadDays * 48) * halfHour;
    let start = this.world.anchor - eventSpreadDays * day + base;
    if (revision > 0 && hash32(this.seed, k, 11, revision) % 3 === 0) start += ((hash32(this.seed, k, 12, revision) % 15) - 7) * day;
    const isAllDay = hash32(this.seed, k, 13) % 17 === 0;
    if (isAllDay) {
      const midnight = start - (start % day);
      return { start: midnight, end: midnight + day, isAllDay };
    }
    const duration = [1, 1, 2, 2, 2, 3, 4][hash32(this.seed, k, 14, revision) % 7]! * halfHour;
    return { start, end: start + duration, isAllDay };
  }

  /** Whether an event overlaps a calendar view window `[start, end)` (epoch seconds). */
  inWindow(entry: StoredRecord, window: [number, number]): boolean {
    const times = this.eventTimes(entry);
    return times.start < window[1] && times.end > window[0];
  }

  folderOf(entry: StoredRecord): MailFolder {
    return entry.partition === 'sentitems' ? 'sentitems' : 'inbox';
  }
}
