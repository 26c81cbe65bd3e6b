import type { Reply } from './thread-store.js';

/**
 * One page of `conversations.replies`: a thread's replies between `oldest` and `latest`, oldest first. Both bounds
 * are exclusive unless `inclusive`. As with history, the cursor names the ts the next page starts at
 * (`next_ts:<micros>`, base64), so replies posted between two pages never shift what the next page holds. The
 * parent, which Slack puts first on every page, is added by the caller and does not count toward `limit`.
 */
export interface RepliesQuery {
  oldest: number | null;
  latest: number | null;
  inclusive: boolean;
  limit: number;
  /** Microseconds: the first reply of this page is at or after it. */
  from: number | null;
}

export interface RepliesPage {
  items: Reply[];
  /** Where the next page starts, or null when this one holds the last reply in range. */
  next: number | null;
}

export function repliesPage(replies: Reply[], q: RepliesQuery): RepliesPage {
  const after = (micros: number, bound: number | null) => bound === null || (q.inclusive ? micros >= bound : micros > bound);
  const before = (micros: number, bound: number | null) => bound === null || (q.inclusive ? micros <= bound : micros < bound);
  const inRange = replies.filter((r) => after(r.micros, q.oldest) && before(r.micros, q.latest) && (q.from === null || r.micros >= q.from));
  return { items: inRange.slice(0, q.limit), next: inRange[q.limit]?.micros ?? null };
}
