import { hash32 } from '../../kit/sandbox/index.js';

/**
 * The seeded mailbox, computed rather than stored: message `k` (0 = oldest) of `count` has its time, id,
 * thread and history id from `(seed, k)` alone, so a million-message mailbox costs no memory.
 *
 * - Times increase with `k`, one message every few minutes, so "newest first" is "highest k first".
 * - Ids are built like Gmail's: the receive time in milliseconds shifted left 20 bits, plus 20 random bits,
 *   in hex. An id therefore tells its own time, and the time its index.
 * - Threads are runs of consecutive messages inside blocks of eight; which positions of a block start a new
 *   thread is one hash. A thread's id is its first message's id, as in Gmail.
 * - About 4% of threads sit in Spam or Trash, whole.
 */
export const blockSize = 8;
const spacingMs = 7 * 60_000;

export type Folder = 'SPAM' | 'TRASH' | null;

export class MailboxLayout {
  readonly startMs: number;
  /** The lowest history id a seeded message carries. */
  readonly historyBase: number;

  constructor(
    readonly seed: number,
    readonly count: number,
  ) {
    this.startMs = Date.UTC(2023, 0, 2) + (hash32(seed, 1) % 86_400) * 1000;
    this.historyBase = 1_000_000 + (hash32(seed, 2) % 500_000);
  }

  /** Just after the newest seeded message. */
  get endMs(): number {
    return this.startMs + this.count * spacingMs;
  }

  timeOf(k: number): number {
    return this.startMs + k * spacingMs + (hash32(this.seed, k, 3) % (spacingMs - 1000));
  }

  /** The seeded message received at or before `ms` with the highest index, or -1. */
  lastAtOrBefore(ms: number): number {
    let k = Math.min(this.count - 1, Math.floor((ms - this.startMs) / spacingMs));
    while (k >= 0 && this.timeOf(k) > ms) k -= 1;
    return k;
  }

  /** Every seeded message's history id is below `historyBase + 4 * count`. */
  historyIdOf(k: number): number {
    return this.historyBase + k * 4 + (hash32(this.seed, k, 4) % 3);
  }

  get historyEnd(): number {
    return this.historyBase + this.count * 4 + 4;
  }

  lowBits(k: number): number {
    return hash32(this.seed, k, 5) & 0xfffff;
  }

  private boundaries(block: number): number {
    return (hash32(this.seed, block, 6) & 0xff) | 1;
  }

  /** The index of the first message of `k`'s thread. */
  threadStart(k: number): number {
    const block = Math.floor(k / blockSize);
    const position = k % blockSize;
    const mask = this.boundaries(block) & ((2 << position) - 1);
    return block * blockSize + (31 - Math.clz32(mask));
  }

  /** The index of the last message of the thread starting at `start`. */
  threadEnd(start: number): number {
    const block = Math.floor(start / blockSize);
    const mask = this.boundaries(block);
    let position = (start % blockSize) + 1;
    while (position < blockSize && (mask & (1 << position)) === 0) position += 1;
    return Math.min(this.count - 1, block * blockSize + position - 1);
  }

  folderOf(threadStart: number): Folder {
    const roll = hash32(this.seed, threadStart, 7) % 100;
    return roll < 2 ? 'SPAM' : roll < 4 ? 'TRASH' : null;
  }
}

/** Gmail's id shape: `(ms << 20) | random20`, in lower-case hex. */
export function composeId(ms: number, low: number): string {
  return ((BigInt(ms) << 20n) | BigInt(low & 0xfffff)).toString(16);
}

/** The receive time an id encodes, or null when it is not an id of that shape. */
export function timeOfId(id: string): number | null {
  if (!/^[0-9a-f]{12,16}$/.test(id)) return null;
  return Number(BigInt(`0x${id}`) >> 20n);
}
