import { declarativeStreams, type StreamSpecInput } from '../kit/index.js';
import { manifest } from './manifest.js';

/**
 * Deel's two lists, described. Records asked for per page: Deel's pagination guide says large lists return at
 * most 99 results a page. Deel does not document how the last page is marked, so walks end at an empty page (or
 * at `total_rows`), never on a short one: a page short for another reason would otherwise end the walk early.
 *
 * - `people`: `GET /people?offset=&limit=99&sort_by=id&sort_order=asc`. Deel's people list has no `updated_at`
 *   filter and cannot be sorted by it, so an incremental read walks the whole list and keeps the people updated
 *   after the cursor (fewer writes and no deletion sweep, not fewer requests); sorting by `id` keeps the offsets
 *   stable during the walk. The next cursor is the latest `updated_at` seen, never later than the moment the walk
 *   began. State: `{ cursor, pass?: { offset, started_at, max_seen } }` (pass only while a walk is unfinished).
 * - `contracts` (full refresh): `GET /contracts?limit=99&after_cursor=…`, following `page.cursor`. List items carry
 *   `created_at` but no `updated_at`, and the list filters by nothing an incremental read could start from.
 *   State, only while a walk is unfinished: `{ after_cursor }`.
 */
export const specs: Record<'people' | 'contracts', StreamSpecInput> = {
  people: {
    requester: { path: '/people', query: { sort_by: 'id', sort_order: 'asc' } },
    records: { path: 'data' },
    paginator: { type: 'offset', offset_param: 'offset', limit_param: 'limit', limit: 99, total: 'page.total_rows', short_page_ends: false },
    incremental: { type: 'datetime', field: 'updated_at' },
  },
  contracts: {
    requester: { path: '/contracts', query: { limit: 99 } },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after_cursor', next: 'page.cursor', resume_key: 'after_cursor' },
  },
};

/** The readers of the descriptions above (the sandbox serves the same descriptions). */
export const streams = declarativeStreams(manifest, specs);

export const readPeople = streams['people']!;
export const readContracts = streams['contracts']!;
