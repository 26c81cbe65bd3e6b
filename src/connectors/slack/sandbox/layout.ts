import { hash32 } from '../../kit/sandbox/index.js';

/**
 * Where and when every seeded message is, from `(seed, k)` alone, so a million messages cost no memory.
 *
 * Message `k` (0 ≤ k < count) is in readable channel `k % channels` and is that channel's `floor(k / channels)`-th
 * message. Timestamps grow strictly with `k` (one slot of `gap` seconds each, jittered inside the slot), so a
 * channel's messages in index order are in ts order and a ts bound is a binary search.
 */
export class MessageLayout {
  readonly count: number;
  /** Seeded messages are before this (epoch seconds); the change clock starts after it. */
  readonly end: number;
  readonly gap: number;
  private readonly start: number;

  constructor(
    private readonly seed: number,
    records: number,
    readonly channels: number,
  ) {
    this.count = Math.max(0, Math.floor(records));
    this.end = Date.UTC(2025, 0, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 97) * 86_400;
    // Ten minutes apart for small workspaces, closer for big ones, so the history spans at most about 180 days.
    this.gap = Math.max(1, Math.min(600, Math.floor((180 * 86_400) / Math.max(1, this.count))));
    this.start = this.end - this.count * this.gap;
  }

  /** The message's ts in microseconds (`1512085950.000216` is 1512085950000216). */
  micros(k: number): number {
    const second = this.start + k * this.gap + (hash32(this.seed, k, 1) % this.gap);
    return second * 1_000_000 + (hash32(this.seed, k, 2) % 1_000_000);
  }

  /** The readable-channel position of a seeded message. */
  channelOf(k: number): number {
    return k % this.channels;
  }

  seededIn(position: number): number {
    return position < this.count ? Math.floor((this.count - 1 - position) / this.channels) + 1 : 0;
  }

  seededAt(position: number, j: number): number {
    return position + j * this.channels;
  }

  /** The first seeded k whose ts is at or after `micros`. */
  firstFrom(micros: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.micros(mid) >= micros) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function formatMicros(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros - seconds * 1_000_000).padStart(6, '0')}`;
}

/** A `ts`-style argument (`1512085950.000216`, or whole seconds) in microseconds; null when malformed. */
export function parseMicros(value: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{0,6})\d*)?$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}
