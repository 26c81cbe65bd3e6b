import {
  businessWorld,
  type BusinessWorld,
  type ChangeRequest,
  hash32,
  Prng,
  SandboxClock,
  SandboxControlError,
} from '../../kit/sandbox/index.js';
import { composeId, MailboxLayout, timeOfId, type Folder } from './layout.js';

/**
 * The sandbox's mutable mailbox: the seeded layout plus what changed since — created messages, relabelled ones,
 * deleted ones — and Gmail's history of those changes. Only changes are kept in memory.
 */
interface Created {
  /** The thread's key: the index of its first message. */
  thread: number;
  timeMs: number;
}

interface Relabelled {
  labels: string[];
  historyId: number;
}

type HistoryMessage = { id: string; threadId: string };
type WithLabels = HistoryMessage & { labelIds: string[] };

export interface HistoryRecord {
  id: string;
  messages: HistoryMessage[];
  messagesAdded?: { message: WithLabels }[];
  messagesDeleted?: { message: WithLabels }[];
  labelsAdded?: { message: WithLabels; labelIds: string[] }[];
  labelsRemoved?: { message: WithLabels; labelIds: string[] }[];
}

export interface ChangeResult {
  stream: 'messages';
  history_id: string;
  created: string[];
  updated: string[];
  deleted: string[];
}

const categories = ['CATEGORY_PERSONAL', 'CATEGORY_UPDATES', 'CATEGORY_PROMOTIONS', 'CATEGORY_SOCIAL', 'CATEGORY_FORUMS'];
export const userLabels = ['Label_1', 'Label_2', 'Label_3', 'Label_4', 'Label_5', 'Label_6'];

export class Mailbox {
  readonly layout: MailboxLayout;
  /** The business world shared with the other sandboxes: many conversations are with its people. */
  readonly world: BusinessWorld;
  private readonly clock: SandboxClock;
  private readonly created = new Map<number, Created>();
  private readonly createdById = new Map<string, number>();
  private readonly relabelled = new Map<number, Relabelled>();
  private readonly deleted = new Set<number>();
  private readonly replies = new Map<number, number[]>();
  /** Threads whose place in the newest-first order moved (a reply, a deletion) or that were created. */
  readonly touchedThreads = new Set<number>();
  private history: HistoryRecord[] = [];
  private current: number;
  /** The oldest `startHistoryId` still answerable; older ones get 404. */
  private validFrom: number;
  private nextIndex: number;
  private batches = 0;
  /** Messages and threads outside Spam/Trash, and inside. */
  readonly totals = { messages: 0, threads: 0, hiddenMessages: 0, hiddenThreads: 0 };

  constructor(
    readonly seed: number,
    count: number,
    private readonly historyRetention = 50_000,
    world?: number,
  ) {
    this.layout = new MailboxLayout(seed, count);
    this.world = businessWorld(world);
    this.clock = new SandboxClock(Math.ceil(this.layout.endMs / 1000) + 3600, 60);
    this.current = this.layout.historyEnd;
    // Seeded messages carry history ids from `historyBase` on: any of them is a valid start (nothing happened since).
    this.validFrom = this.layout.historyBase;
    this.nextIndex = count;
    for (let start = 0; start < count; start = this.layout.threadEnd(start) + 1) {
      const size = this.layout.threadEnd(start) - start + 1;
      if (this.layout.folderOf(start) === null) {
        this.totals.messages += size;
        this.totals.threads += 1;
      } else {
        this.totals.hiddenMessages += size;
        this.totals.hiddenThreads += 1;
      }
    }
  }

  get count(): number {
    return this.layout.count;
  }

  /** One past the highest message index ever issued. */
  get top(): number {
    return this.nextIndex;
  }

  get historyId(): number {
    return this.current;
  }

  exists(k: number): boolean {
    return k >= 0 && (k < this.layout.count || this.created.has(k)) && !this.deleted.has(k);
  }

  timeOf(k: number): number {
    return this.created.get(k)?.timeMs ?? this.layout.timeOf(k);
  }

  idOf(k: number): string {
    return composeId(this.timeOf(k), this.layout.lowBits(k));
  }

  /** The live message with this id, or null. */
  indexOfId(id: string): number | null {
    const ms = timeOfId(id);
    if (ms === null) return null;
    let k: number | null = this.createdById.get(id) ?? null;
    if (k === null && ms < this.layout.endMs) {
      const candidate = this.layout.lastAtOrBefore(ms);
      k = candidate >= 0 && this.idOf(candidate) === id ? candidate : null;
    }
    return k !== null && this.exists(k) ? k : null;
  }

  threadOf(k: number): number {
    return this.created.get(k)?.thread ?? this.layout.threadStart(k);
  }

  /** The live thread whose id (its first message's id) this is, or null. */
  threadKeyOfId(id: string): number | null {
    const ms = timeOfId(id);
    if (ms === null) return null;
    let key: number | null = this.createdById.get(id) ?? null;
    if (key === null && ms < this.layout.endMs) {
      const candidate = this.layout.lastAtOrBefore(ms);
      key = candidate >= 0 && this.idOf(candidate) === id && this.layout.threadStart(candidate) === candidate ? candidate : null;
    }
    if (key === null || this.threadOf(key) !== key) return null;
    return this.members(key).length > 0 ? key : null;
  }

  folderOf(k: number): Folder {
    const thread = this.threadOf(k);
    return thread < this.layout.count ? this.layout.folderOf(thread) : null;
  }

  /** Live messages of a thread, oldest first. */
  members(thread: number): number[] {
    const out: number[] = [];
    if (thread < this.layout.count) {
      for (let k = thread; k <= this.layout.threadEnd(thread); k++) if (!this.deleted.has(k)) out.push(k);
    } else if (this.exists(thread)) {
      out.push(thread);
    }
    for (const k of this.replies.get(thread) ?? []) if (!this.deleted.has(k)) out.push(k);
    return out;
  }

  historyIdOf(k: number): number {
    return this.relabelled.get(k)?.historyId ?? this.layout.historyIdOf(k);
  }

  isSent(k: number): boolean {
    return k < this.layout.count && this.folderOf(k) === null && hash32(this.seed, k, 13) % 6 === 0;
  }

  labelsOf(k: number): string[] {
    return this.relabelled.get(k)?.labels ?? this.rollLabels(k, 0);
  }

  /** A message's labels for one roll of the dice: its folder (or INBOX and a category), then the flags. */
  private rollLabels(k: number, roll: number): string[] {
    const folder = this.folderOf(k);
    const sent = this.isSent(k);
    const rng = new Prng(hash32(this.seed, k, 11, roll));
    const labels: string[] = folder ? [folder] : sent ? ['SENT'] : ['INBOX', categories[hash32(this.seed, k, 12) % categories.length]!];
    if (!sent && rng.chance(0.3)) labels.push('UNREAD');
    if (rng.chance(0.06)) labels.push('STARRED');
    if (!folder && rng.chance(0.2)) labels.push('IMPORTANT');
    if (!folder && rng.chance(0.15)) labels.push(rng.pick(userLabels));
    return labels;
  }

  /**
   * History records after `start`, or null when `start` is older than the history kept (Gmail's 404). A start
   * beyond the current history id has nothing after it.
   */
  historyAfter(start: number): HistoryRecord[] | null {
    if (start < this.validFrom) return null;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(this.history[mid]!.id) > start) hi = mid;
      else lo = mid + 1;
    }
    return this.history.slice(lo);
  }

  /** Forgets all history so far, as Gmail does after about a week: older start ids now get 404. */
  expireHistory(): void {
    this.history = [];
    this.validFrom = this.current;
  }

  /**
   * `POST /_sandbox/changes` on `messages`: updates relabel live messages (Gmail messages are immutable apart
   * from their labels), deletes remove them for good, creates deliver new mail — half of it replies to an
   * existing conversation. Each change is a history record, as Gmail writes them.
   */
  applyChanges(change: ChangeRequest): ChangeResult {
    if (change.stream !== 'messages') {
      throw new SandboxControlError(400, `stream must be "messages", not "${change.stream}" (threads change through their messages)`);
    }
    this.batches += 1;
    const rng = new Prng(hash32(this.seed, 0x9a11, this.batches));
    const result: ChangeResult = { stream: 'messages', history_id: '', created: [], updated: [], deleted: [] };
    const picked = this.pickLive(change.update + change.delete, rng);
    for (const k of picked.slice(0, change.update)) result.updated.push(this.relabel(k));
    for (const k of picked.slice(change.update)) result.deleted.push(this.remove(k));
    for (let i = 0; i < change.create; i++) result.created.push(this.deliver(rng));
    result.history_id = String(this.current);
    return result;
  }

  private relabel(k: number): string {
    const before = this.labelsOf(k);
    let after = this.rollLabels(k, this.batches);
    const same = after.length === before.length && after.every((label) => before.includes(label));
    if (same) after = after.includes('STARRED') ? after.filter((label) => label !== 'STARRED') : [...after, 'STARRED'];
    const added = after.filter((label) => !before.includes(label));
    const removed = before.filter((label) => !after.includes(label));
    const message = { id: this.idOf(k), threadId: this.idOf(this.threadOf(k)) };
    const brief = { ...message, labelIds: after };
    if (added.length > 0) this.record({ messages: [message], labelsAdded: [{ message: brief, labelIds: added }] });
    if (removed.length > 0) this.record({ messages: [message], labelsRemoved: [{ message: brief, labelIds: removed }] });
    this.relabelled.set(k, { labels: after, historyId: this.current });
    return message.id;
  }

  private remove(k: number): string {
    const message = { id: this.idOf(k), threadId: this.idOf(this.threadOf(k)) };
    this.record({ messages: [message], messagesDeleted: [{ message: { ...message, labelIds: this.labelsOf(k) } }] });
    const thread = this.threadOf(k);
    this.deleted.add(k);
    this.touchedThreads.add(thread);
    this.totals.messages -= 1;
    if (this.members(thread).length === 0) this.totals.threads -= 1;
    return message.id;
  }

  private deliver(rng: Prng): string {
    const k = this.nextIndex++;
    const [other] = rng.chance(0.5) ? this.pickLive(1, rng) : [];
    const thread = other === undefined ? k : this.threadOf(other);
    this.created.set(k, { thread, timeMs: this.clock.tick() * 1000 + rng.int(1000) });
    const id = this.idOf(k);
    this.createdById.set(id, k);
    if (thread !== k) this.replies.set(thread, [...(this.replies.get(thread) ?? []), k]);
    this.touchedThreads.add(thread);
    // New mail arrives unread.
    const rolled = this.rollLabels(k, 0);
    const labels = rolled.includes('UNREAD') ? rolled : [...rolled, 'UNREAD'];
    const message = { id, threadId: this.idOf(thread) };
    this.record({ messages: [message], messagesAdded: [{ message: { ...message, labelIds: labels } }] });
    this.relabelled.set(k, { labels, historyId: this.current });
    this.totals.messages += 1;
    if (thread === k) this.totals.threads += 1;
    return id;
  }

  /** Appends a history record under the next history id; ids grow with small random gaps, as Gmail's do. */
  private record(fields: Omit<HistoryRecord, 'id'>): void {
    this.current += 1 + (hash32(this.seed, this.current, 17) % 5);
    this.history.push({ id: String(this.current), ...fields });
    if (this.history.length > this.historyRetention) {
      const dropped = this.history.splice(0, this.history.length - this.historyRetention);
      this.validFrom = Number(dropped.at(-1)!.id);
    }
  }

  /** Up to `count` distinct live messages outside Spam/Trash, chosen by `rng`. */
  private pickLive(count: number, rng: Prng): number[] {
    const chosen = new Set<number>();
    const eligible = (k: number) => this.exists(k) && this.folderOf(k) === null;
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) {
      const k = rng.int(this.nextIndex);
      if (eligible(k)) chosen.add(k);
    }
    // Few left: take them newest first rather than hoping the dice find them.
    for (let k = this.nextIndex - 1; chosen.size < count && k >= 0; k--) if (eligible(k)) chosen.add(k);
    return [...chosen];
  }
}
