import { type ChangeRequest, hash32, lowerBound, Prng } from '../../kit/sandbox/index.js';
import { formatMicros } from './layout.js';
import { kindOf } from './messages.js';
import type { SlackStore } from './store.js';
import { replySpanMicros, seededReplyCount, seededReplyMicros } from './threads.js';
import type { SlackWorld } from './world.js';

/**
 * The seeded threads plus what `POST /_sandbox/changes {"stream":"threads"}` did to them: replies added, edited
 * and deleted. Only the changes are kept in memory.
 *
 * As in Slack: a new reply gets a ts after every other message, and moves its parent's `latest_reply`,
 * `reply_count` and `reply_users`; an edit keeps the reply's ts (and the parent's fields) and adds `edited`;
 * a deleted reply is gone from `conversations.replies` and no longer counted. People answer and edit recent
 * threads, so changes pick replies and parents of the last three days (the newest thread when none is), inside
 * the connector's default 7-day look-back. A batch that adds replies is one conversation: they all go to one
 * thread, and that batch's edits and deletions are of the same thread's replies; a batch without new replies
 * edits and deletes across the recent threads. Archived channels take no changes.
 */
export interface Reply {
  parent: number;
  /** Position in the thread: seeded replies first, then the added ones. */
  index: number;
  micros: number;
  version: number;
  editedMicros: number | null;
}

export interface ThreadSummary {
  count: number;
  latest: number;
  /** Who replied, in the order of their first reply. */
  users: string[];
}

export interface ReplyRef {
  channel: string;
  thread_ts: string;
  ts: string;
}

export interface ThreadChangeResult {
  stream: 'threads';
  ts: string | null;
  created: ReplyRef[];
  updated: ReplyRef[];
  deleted: ReplyRef[];
}

const recentMicros = 3 * 86_400 * 1_000_000;

export class ThreadStore {
  /** Added replies of each parent, ts ascending. */
  private readonly added = new Map<number, number[]>();
  /** `<position>:<micros>` of each added reply → its parent, to find a thread by a reply's ts. */
  private readonly addedAt = new Map<string, number>();
  private readonly edits = new Map<string, { version: number; micros: number }>();
  private readonly deleted = new Set<string>();
  /** Live replies per readable channel beyond the seeded ones (added minus deleted). */
  private readonly delta: number[];
  private seededPerChannel: number[] | null = null;
  private batches = 0;

  constructor(
    private readonly world: SlackWorld,
    private readonly store: SlackStore,
  ) {
    this.delta = world.readable.map(() => 0);
  }

  private seeded(k: number): number {
    return k < this.store.layout.count ? seededReplyCount(this.world.seed, k) : 0;
  }

  /** The thread's live replies, oldest first (empty for an ordinary message). */
  replies(k: number): Reply[] {
    const out: Reply[] = [];
    const seeded = this.seeded(k);
    const parentMicros = this.store.micros(k);
    for (let j = 0; j < seeded; j++) this.collect(out, k, j, seededReplyMicros(this.world.seed, k, parentMicros, j));
    (this.added.get(k) ?? []).forEach((micros, i) => this.collect(out, k, seeded + i, micros));
    return out;
  }

  private collect(out: Reply[], k: number, index: number, micros: number): void {
    const key = `${k}:${index}`;
    if (this.deleted.has(key)) return;
    const edit = this.edits.get(key);
    out.push({ parent: k, index, micros, version: edit?.version ?? 0, editedMicros: edit?.micros ?? null });
  }

  /** What the parent shows of its thread; null when the message has no live reply. */
  summary(k: number): ThreadSummary | null {
    if (this.seeded(k) === 0 && !this.added.has(k)) return null;
    const replies = this.replies(k);
    if (replies.length === 0) return null;
    return { count: replies.length, latest: replies[replies.length - 1]!.micros, users: [...new Set(replies.map((r) => this.author(r)))] };
  }

  author(reply: Pick<Reply, 'parent' | 'index'>): string {
    return this.world.authors[hash32(this.world.seed, reply.parent, reply.index, 24) % this.world.authors.length]!;
  }

  /**
   * The message whose thread `ts` names in a channel: the message itself, or the parent when `ts` is a reply's.
   * Null when there is no such live message, or it is a join (Slack answers `thread_not_found` for those).
   */
  threadOf(position: number, micros: number): number | null {
    const length = this.store.channelLength(position);
    const at = (i: number) => this.store.micros(this.store.channelAt(position, i));
    const i = lowerBound(0, length, (n) => at(n) >= micros);
    if (i < length && at(i) === micros) {
      const k = this.store.channelAt(position, i);
      if (!this.store.exists(k) || kindOf(this.world.seed, { k, created: k >= this.store.layout.count }) === 'channel_join') return null;
      return k;
    }
    const added = this.addedAt.get(`${position}:${micros}`);
    if (added !== undefined) return this.replies(added).some((r) => r.micros === micros) ? added : null;
    // A seeded reply is within the hour after its parent.
    for (let n = lowerBound(0, i, (m) => at(m) >= micros - replySpanMicros); n < i; n++) {
      const k = this.store.channelAt(position, n);
      if (this.store.exists(k) && this.replies(k).some((r) => r.micros === micros)) return k;
    }
    return null;
  }

  /** Live replies per readable channel (in `world.readable` order). */
  perChannel(): number[] {
    if (this.seededPerChannel === null) {
      // Seeded threads never change, so one pass over the seeded messages serves every later call.
      const totals = this.world.readable.map(() => 0);
      for (let k = 0; k < this.store.layout.count; k++) totals[this.store.layout.channelOf(k)]! += this.seeded(k);
      this.seededPerChannel = totals;
    }
    return this.seededPerChannel.map((n, position) => n + this.delta[position]!);
  }

  applyChanges(change: ChangeRequest): ThreadChangeResult {
    this.batches += 1;
    const result: ThreadChangeResult = { stream: 'threads', ts: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const atMicros = this.store.clock.tick() * 1_000_000;
    result.ts = formatMicros(atMicros);
    const rng = new Prng(hash32(this.world.seed, 0x7e9d, this.batches));
    const parent = change.create > 0 ? this.pickThread(atMicros - recentMicros, rng) : null;
    const recent = this.recentReplies(atMicros - recentMicros).filter((reply) => parent === null || reply.parent === parent);

    const edited = new Set<Reply>(rng.sample(recent, change.update));
    for (const reply of edited) {
      const key = `${reply.parent}:${reply.index}`;
      this.edits.set(key, { version: (this.edits.get(key)?.version ?? 0) + 1, micros: atMicros });
      result.updated.push(this.describe(reply.parent, reply.micros));
    }
    for (const reply of rng.sample(recent.filter((r) => !edited.has(r)), change.delete)) {
      this.deleted.add(`${reply.parent}:${reply.index}`);
      this.delta[this.store.position(reply.parent)]! -= 1;
      result.deleted.push(this.describe(reply.parent, reply.micros));
    }
    if (parent !== null) {
      const added = this.added.get(parent) ?? [];
      this.added.set(parent, added);
      const position = this.store.position(parent);
      for (let i = 0; i < change.create; i++) {
        // One batch shares a second; the six digits after the dot keep its replies apart.
        const micros = atMicros + i + 1;
        added.push(micros);
        this.addedAt.set(`${position}:${micros}`, parent);
        this.delta[position]! += 1;
        result.created.push(this.describe(parent, micros));
      }
    }
    return result;
  }

  private describe(parent: number, micros: number): ReplyRef {
    const channel = this.world.channels[this.world.readable[this.store.position(parent)]!]!.id;
    return { channel, thread_ts: formatMicros(this.store.micros(parent)), ts: formatMicros(micros) };
  }

  /** Live replies posted since `from` in channels that take changes. */
  private recentReplies(from: number): Reply[] {
    const first = this.store.layout.firstFrom(from - replySpanMicros);
    const parents = new Set<number>();
    for (let k = first; k < this.store.layout.count; k++) if (this.seeded(k) > 0) parents.add(k);
    for (const k of this.added.keys()) parents.add(k);
    const out: Reply[] = [];
    for (const k of parents) {
      if (!this.store.writable(k)) continue;
      for (const reply of this.replies(k)) if (reply.micros >= from) out.push(reply);
    }
    return out;
  }

  /** A thread whose parent was posted since `from`, or else the newest thread of a channel that takes changes. */
  private pickThread(from: number, rng: Prng): number | null {
    const candidates: number[] = [];
    for (let k = this.store.layout.firstFrom(from); k < this.store.layout.count; k++) {
      if (this.seeded(k) > 0 && this.store.writable(k)) candidates.push(k);
    }
    if (candidates.length > 0) return rng.pick(candidates);
    for (let k = this.store.layout.count - 1; k >= 0; k--) if (this.seeded(k) > 0 && this.store.writable(k)) return k;
    return null;
  }
}
