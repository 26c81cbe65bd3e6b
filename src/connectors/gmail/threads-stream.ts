import type { StreamReader } from '../kit/index.js';
import { gmailGet, includeSpamTrash, isObject, type GmailObject } from './gmail-request.js';

/**
 * `threads` (full refresh): `threads.list`, 500 a page. Its items are exactly the record — id, the latest
 * message's snippet and the thread's historyId — so a whole mailbox costs one call (10 units) per 500
 * threads, cheap enough to read in full on every run; a thread whose messages are all deleted disappears
 * from the list and the full refresh soft-deletes it. Per-message detail is the `messages` stream.
 *
 * State, only while a pass is unfinished: `{ page_token }`; a finished pass leaves `{}`.
 */
export const readThreads: StreamReader = async function* (ctx) {
  let pageToken = typeof ctx.state?.['page_token'] === 'string' ? ctx.state['page_token'] : null;
  for (;;) {
    const query: Record<string, string | number | boolean> = { maxResults: 500 };
    if (pageToken !== null) query['pageToken'] = pageToken;
    if (includeSpamTrash(ctx.config)) query['includeSpamTrash'] = true;
    const page = await gmailGet(ctx, '/threads', query);
    const threads = page.body['threads'];
    const records = Array.isArray(threads) ? (threads as unknown[]).filter(isObject).filter((t: GmailObject) => typeof t['id'] === 'string') : [];
    if (records.length > 0) yield { type: 'records', records };
    const next = page.body['nextPageToken'];
    pageToken = typeof next === 'string' && next !== '' ? next : null;
    yield { type: 'state', state: pageToken === null ? {} : { page_token: pageToken } };
    if (pageToken === null) return;
  }
};
