import { hash32, hashUnit } from '../../kit/sandbox/index.js';

/**
 * What Google shows of a record's past that the kit's store does not keep: how often it was edited (an event's
 * `sequence`, a calendar's rename), when a created event was created, how many change batches were applied and
 * when each calendar last changed (its event list's `updated`). Seeded events were created up to two years
 * before the seeded data ends.
 */
const twoYears = 2 * 365 * 86_400;

export class CalendarHistory {
  /** Change batches applied so far. */
  batches = 0;
  private readonly versions = new Map<string, number>();
  private readonly created = new Map<number, number>();
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly seed: number,
    /** When the seeded data ends (epoch seconds): seeded records were created before it. */
    private readonly seededUntil: number,
  ) {}

  /** Edits of a record (by its store key) so far: 0 until it is updated. */
  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  edited(key: string): void {
    this.versions.set(key, this.version(key) + 1);
  }

  markCreated(index: number, at: number): void {
    this.created.set(index, at);
  }

  /** When event `index` was created (epoch ms), never after its last change `at` (epoch seconds). */
  createdMs(index: number, at: number): number {
    const created = this.created.get(index);
    if (created !== undefined) return created * 1000;
    const seconds = Math.min(at, this.seededUntil - 180 * 86_400 - Math.floor(hashUnit(this.seed, index, 1) * twoYears));
    return seconds * 1000 - (hash32(this.seed, index, 3) % 1000);
  }

  /** The latest change on a calendar (epoch seconds): the end of the seeded data until a change comes after it. */
  latestChange(calendarId: string): number {
    return this.latest.get(calendarId) ?? this.seededUntil;
  }

  changed(calendarId: string, at: number): void {
    this.latest.set(calendarId, Math.max(at, this.latestChange(calendarId)));
  }
}
