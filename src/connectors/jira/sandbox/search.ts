import type { StoredRecord } from '../../kit/sandbox/index.js';
import { passes, type DateBound } from './jql-parser.js';
import type { JiraIssues } from './issues.js';

/**
 * The issues a search matches, in its order, read from the kit's store: the store keeps issues in `updated` order,
 * so a lower `updated` bound is where the read starts (a binary search) and an ascending page reads only as far as
 * it needs. Other restrictions test one issue at a time. Issues sharing one `updated` (one change batch) are ordered
 * by key, as `ORDER BY updated, key` asks; a descending search reads everything from its start and turns it round.
 */
export interface SearchQuery {
  updated: DateBound[];
  predicate: ((entry: StoredRecord) => boolean) | null;
  descending: boolean;
  keyDescending: boolean;
}

const chunk = 512;

/** The first `want` matches (all when descending), in the query's order. */
export function searchIssues(issues: JiraIssues, query: SearchQuery, want: number, keyOf: (entry: StoredRecord) => [string, number]): StoredRecord[] {
  let since: number | null = null;
  for (const bound of query.updated) {
    if (bound.op === '>=' || bound.op === '>' || bound.op === '=') since = Math.max(since ?? 0, Math.floor(bound.at / 1000));
  }
  const keeps = (entry: StoredRecord) => passes(query.updated, issues.ms(entry.at)) && (query.predicate === null || query.predicate(entry));
  const limit = query.descending ? Number.POSITIVE_INFINITY : want;
  const found: StoredRecord[] = [];
  let after: number | null = null;
  for (;;) {
    const entries = issues.store.list({ since, afterSeq: after, limit: chunk });
    // Enough, and the last match's moment is complete (its ties are all in, to be ordered by key).
    const done = entries.length === 0 || (found.length >= limit && entries[0]!.at > found.at(-1)!.at);
    if (done) break;
    for (const entry of entries) if (keeps(entry)) found.push(entry);
    after = entries.at(-1)!.seq;
  }
  // Ascending overall with ties by key; descending is that walk reversed, so its ties are built the other way.
  const sign = query.descending !== query.keyDescending ? -1 : 1;
  found.sort((a, b) => {
    if (a.at !== b.at) return a.at - b.at;
    const [pa, na] = keyOf(a);
    const [pb, nb] = keyOf(b);
    return sign * (pa < pb ? -1 : pa > pb ? 1 : na - nb);
  });
  if (query.descending) found.reverse();
  return found;
}
