import { type ChangeRequest, hash32, Prng, SandboxClock, SandboxControlError } from '../../kit/sandbox/index.js';
import { formatMicros, MessageLayout } from './layout.js';
import { kindOf, type MessageFacts } from './messages.js';
import { seededReplyCount } from './threads.js';
import type { SlackWorld } from './world.js';

/**
 * The seeded messages plus what `POST /_sandbox/changes` did to them: edits, deletions and new messages. Only
 * the changes are kept in memory.
 *
 * How the changes look is how they happen in Slack: a new message gets a ts after every other; an edit keeps
 * the ts and adds `edited: { user, ts }` — and people edit recent messages, so edits pick messages of the last
 * three days (an incremental read's look-back window, 7 days by default, covers them); a deleted message is
 * simply gone from history. Archived channels take neither new messages nor edits.
 */
export interface ChangeResult {
  stream: 'messages';
  ts: string | null;
  created: { channel: string; ts: string }[];
  updated: { channel: string; ts: string }[];
  deleted: { channel: string; ts: string }[];
}

interface Created {
  position: number;
  micros: number;
}

const editWindowMicros = 3 * 86_400 * 1_000_000;

export class SlackStore {
  readonly layout: MessageLayout;
  readonly clock: SandboxClock;
  private readonly deleted = new Set<number>();
  private readonly edits = new Map<number, { version: number; micros: number }>();
  private readonly created = new Map<number, Created>();
  /** Created messages of each readable channel, in ts order. */
  private readonly createdIn: number[][];
  private readonly writablePositions: number[];
  private nextK: number;
  private batches = 0;
  private live: number;

  constructor(
    readonly world: SlackWorld,
    records: number,
  ) {
    this.layout = new MessageLayout(world.seed, records, world.readable.length);
    this.clock = new SandboxClock(this.layout.end + 3600, 60);
    this.createdIn = world.readable.map(() => []);
    this.writablePositions = world.readable.map((channel, position) => (world.writable.includes(channel) ? position : -1)).filter((p) => p >= 0);
    this.nextK = this.layout.count;
    this.live = this.layout.count;
  }

  /** Live messages across the readable channels. */
  get liveCount(): number {
    return this.live;
  }

  exists(k: number): boolean {
    return (k < this.layout.count || this.created.has(k)) && !this.deleted.has(k);
  }

  micros(k: number): number {
    return this.created.get(k)?.micros ?? this.layout.micros(k);
  }

  position(k: number): number {
    return this.created.get(k)?.position ?? this.layout.channelOf(k);
  }

  facts(k: number): MessageFacts {
    const edit = this.edits.get(k);
    return { k, micros: this.micros(k), version: edit?.version ?? 0, editedMicros: edit?.micros ?? null, created: this.created.has(k) };
  }

  /** A channel's messages, deleted ones included, as a ts-ordered sequence. */
  channelLength(position: number): number {
    return this.layout.seededIn(position) + this.createdIn[position]!.length;
  }

  channelAt(position: number, i: number): number {
    const seeded = this.layout.seededIn(position);
    return i < seeded ? this.layout.seededAt(position, i) : this.createdIn[position]![i - seeded]!;
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    if (change.stream !== 'messages') {
      throw new SandboxControlError(400, `stream must be "messages" or "threads" (channels and users do not change in this sandbox), not "${change.stream}"`);
    }
    this.batches += 1;
    const result: ChangeResult = { stream: 'messages', ts: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const at = this.clock.tick();
    const atMicros = at * 1_000_000;
    result.ts = formatMicros(atMicros);
    const rng = new Prng(hash32(this.world.seed, 0xc4a46e, this.batches));
    const describe = (k: number) => ({ channel: this.world.channels[this.world.readable[this.position(k)]!]!.id, ts: formatMicros(this.micros(k)) });

    for (const k of this.pickEditable(change.update, atMicros - editWindowMicros, rng)) {
      this.edits.set(k, { version: (this.edits.get(k)?.version ?? 0) + 1, micros: atMicros });
      result.updated.push(describe(k));
    }
    const edited = new Set(this.edits.keys());
    for (const k of this.pickDeletable(change.delete, rng, edited)) {
      this.deleted.add(k);
      this.live -= 1;
      result.deleted.push(describe(k));
    }
    for (let i = 0; i < change.create; i++) {
      if (this.writablePositions.length === 0) break;
      const k = this.nextK++;
      const position = this.writablePositions[(this.batches + i) % this.writablePositions.length]!;
      // One batch shares a second; the six digits after the dot keep its messages apart.
      this.created.set(k, { position, micros: atMicros + i + 1 });
      this.createdIn[position]!.push(k);
      this.live += 1;
      result.created.push(describe(k));
    }
    return result;
  }

  /** A live message of a channel that takes changes (not archived). */
  writable(k: number): boolean {
    return this.exists(k) && this.writablePositions.includes(this.position(k));
  }

  /** Ordinary user messages posted since `from`. */
  private pickEditable(count: number, from: number, rng: Prng): number[] {
    const first = this.layout.firstFrom(from);
    const ok = (k: number) => this.writable(k) && kindOf(this.world.seed, { k, created: this.created.has(k) }) === 'user';
    return pick(this.candidates(first), count, ok, rng);
  }

  /** Never a thread parent: Slack keeps a deleted parent as a tombstone while its replies remain. */
  private pickDeletable(count: number, rng: Prng, avoid: Set<number>): number[] {
    const parent = (k: number) => k < this.layout.count && seededReplyCount(this.world.seed, k) > 0;
    return pick(this.candidates(0), count, (k) => this.writable(k) && !avoid.has(k) && !parent(k), rng);
  }

  /** Seeded messages from `first` on, then the created ones, without materialising the range. */
  private candidates(first: number): Candidates {
    const seeded = this.layout.count - first;
    const created = [...this.created.keys()];
    return { length: seeded + created.length, at: (i) => (i < seeded ? first + i : created[i - seeded]!) };
  }
}

interface Candidates {
  length: number;
  at(i: number): number;
}

/** Up to `count` distinct candidates passing `ok`: random draws first, then a scan from the newest. */
function pick(candidates: Candidates, count: number, ok: (k: number) => boolean, rng: Prng): number[] {
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count && attempt < count * 20 && candidates.length > 0; attempt++) {
    const k = candidates.at(rng.int(candidates.length));
    if (ok(k)) chosen.add(k);
  }
  for (let i = candidates.length - 1; chosen.size < count && i >= 0; i--) {
    const k = candidates.at(i);
    if (ok(k)) chosen.add(k);
  }
  return [...chosen];
}
