import type { Mailbox } from './mailbox.js';

/**
 * `messages.list` and `threads.list`: newest first, keyset-paged so a change between two pages can neither skip
 * nor repeat an item. Page tokens are opaque to clients; here they name the last item returned.
 */
export interface MessageFilter {
  includeSpamTrash: boolean;
  /** Epoch ms bounds from `q=after:` / `before:`. */
  afterMs: number | null;
  beforeMs: number | null;
  /** Every one must be on the message (`labelIds`, `is:`, `in:`, `label:`). */
  labels: string[];
}

export interface ListPage {
  items: number[];
  next: string | null;
}

/** Messages: times grow with the index, so newest first is highest index first. */
export function messagePage(box: Mailbox, filter: MessageFilter, pageToken: string | null, max: number): ListPage | null {
  let k = box.top - 1;
  if (pageToken !== null) {
    if (!/^[0-9]+$/.test(pageToken)) return null;
    k = Math.min(k, Number(pageToken) - 1);
  }
  const items: number[] = [];
  while (k >= 0 && items.length < max) {
    const time = box.timeOf(k);
    if (filter.afterMs !== null && time < filter.afterMs) {
      k = -1;
      break;
    }
    if (box.exists(k) && matches(box, k, filter) && (filter.beforeMs === null || time < filter.beforeMs)) items.push(k);
    k -= 1;
  }
  return { items, next: k >= 0 && items.length === max ? String(items.at(-1)!) : null };
}

function matches(box: Mailbox, k: number, filter: MessageFilter): boolean {
  if (!filter.includeSpamTrash && box.folderOf(k) !== null) return false;
  if (filter.labels.length === 0) return true;
  const labels = box.labelsOf(k);
  return filter.labels.every((label) => labels.includes(label));
}

interface ThreadKey {
  last: number;
  thread: number;
}

const before = (a: ThreadKey, b: ThreadKey) => a.last < b.last || (a.last === b.last && a.thread < b.thread);

/**
 * Threads, ordered by their latest live message, newest first. Untouched seeded threads are contiguous runs of
 * messages, so their order is their index order and they are walked straight from the layout; the few
 * threads that changed (replies, deletions, new conversations) are sorted apart and merged in.
 */
export function threadPage(box: Mailbox, includeSpamTrash: boolean, pageToken: string | null, max: number): ListPage | null {
  let bound: ThreadKey | null = null;
  if (pageToken !== null) {
    const match = /^([0-9]+)-([0-9]+)$/.exec(pageToken);
    if (!match) return null;
    bound = { last: Number(match[1]), thread: Number(match[2]) };
  }
  const visible = (thread: number) => includeSpamTrash || box.folderOf(thread) === null;
  const touched: ThreadKey[] = [];
  for (const thread of box.touchedThreads) {
    const members = box.members(thread);
    if (members.length === 0 || !visible(thread)) continue;
    const key = { last: box.timeOf(members.at(-1)!), thread };
    if (bound === null || before(key, bound)) touched.push(key);
  }
  touched.sort((a, b) => (before(a, b) ? 1 : -1));

  const { layout } = box;
  const seededKey = (start: number): ThreadKey => ({ last: layout.timeOf(layout.threadEnd(start)), thread: start });
  let start = layout.count === 0 ? -1 : layout.threadStart(layout.count - 1);
  if (bound !== null) {
    const k = layout.lastAtOrBefore(bound.last);
    start = k < 0 ? -1 : layout.threadStart(k);
    while (start >= 0 && !before(seededKey(start), bound)) start = start > 0 ? layout.threadStart(start - 1) : -1;
  }
  const nextSeeded = (): ThreadKey | null => {
    while (start >= 0) {
      const current = start;
      start = current > 0 ? layout.threadStart(current - 1) : -1;
      if (!box.touchedThreads.has(current) && visible(current)) return seededKey(current);
    }
    return null;
  };

  const keys: ThreadKey[] = [];
  let seeded = nextSeeded();
  let t = 0;
  while (keys.length <= max) {
    const fromTouched = touched[t] ?? null;
    if (fromTouched === null && seeded === null) break;
    if (seeded === null || (fromTouched !== null && before(seeded, fromTouched))) {
      keys.push(fromTouched!);
      t += 1;
    } else {
      keys.push(seeded);
      seeded = nextSeeded();
    }
  }
  const page = keys.slice(0, max);
  const last = page.at(-1);
  return { items: page.map((key) => key.thread), next: keys.length > max && last ? `${last.last}-${last.thread}` : null };
}
