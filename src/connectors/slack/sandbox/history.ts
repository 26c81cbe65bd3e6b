import type { SlackStore } from './store.js';

/**
 * One page of `conversations.history`: a channel's live messages between `oldest` and `latest`, newest first.
 * Both bounds are exclusive unless `inclusive`. The cursor names the ts the next page starts at (inclusive), the
 * way Slack's own history cursor does (`bmV4dF90czox…` is base64 of `next_ts:1512085861000543`), so messages
 * posted or deleted between two pages never shift what the next page holds.
 */
export interface HistoryQuery {
  position: number;
  oldest: number | null;
  latest: number | null;
  inclusive: boolean;
  limit: number;
  /** Microseconds: the first message of this page is at or before it. */
  from: number | null;
}

export interface HistoryPage {
  items: number[];
  /** Where the next page starts, or null when this one reaches `oldest` (or the channel's first message). */
  next: number | null;
}

export function historyPage(store: SlackStore, q: HistoryQuery): HistoryPage {
  const length = store.channelLength(q.position);
  const ts = (i: number) => store.micros(store.channelAt(q.position, i));
  // The first index past the upper bound: every index below it is at or before `latest` / `from`.
  const below = (bound: number, inclusive: boolean) => {
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? ts(mid) <= bound : ts(mid) < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let end = length;
  if (q.latest !== null) end = Math.min(end, below(q.latest, q.inclusive));
  if (q.from !== null) end = Math.min(end, below(q.from, true));
  const inRange = (micros: number) => q.oldest === null || (q.inclusive ? micros >= q.oldest : micros > q.oldest);

  const items: number[] = [];
  for (let i = end - 1; i >= 0; i--) {
    const k = store.channelAt(q.position, i);
    if (!inRange(store.micros(k))) break;
    if (!store.exists(k)) continue;
    if (items.length === q.limit) return { items, next: store.micros(k) };
    items.push(k);
  }
  return { items, next: null };
}
