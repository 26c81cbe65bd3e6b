import { declarativeStreams, type StreamReader } from '../kit/index.js';
import { includeSpamTrash, mailbox } from './gmail-request.js';
import { manifest } from './manifest.js';
import { readMessages } from './messages-stream.js';

/**
 * `threads` (full refresh), described: `threads.list`, 500 a page, following `nextPageToken` (Google may answer a
 * page with fewer threads than asked, even none, and name a next one). Its items are exactly the record — id, the
 * latest message's snippet and the thread's historyId — so a whole mailbox costs one call (10 units) per 500
 * threads, cheap enough to read in full on every run; a thread whose messages are all deleted disappears from the
 * list and the full refresh soft-deletes it. Per-message detail is the `messages` stream (hand-written: it follows
 * Gmail's history, see messages-stream.ts). `includeSpamTrash` is sent only when the config asks for it.
 *
 * State, only while a pass is unfinished: `{ page_token }`; a finished pass leaves `{}`.
 */
const described = declarativeStreams(manifest, {
  threads: {
    requester: { path: `${mailbox}/threads`, query: { maxResults: 500 } },
    records: { path: 'threads', filter: [{ path: 'id', exists: true }] },
    paginator: { type: 'cursor', param: 'pageToken', next: 'nextPageToken', stop_on_empty_page: false, resume_key: 'page_token' },
    hooks: { request: (request, ctx) => (includeSpamTrash(ctx.config) ? { ...request, query: { ...request.query, includeSpamTrash: true } } : request) },
  },
});

export const readThreads: StreamReader = described['threads']!;

/** One reader per stream of the manifest. */
export const streams: Record<'messages' | 'threads', StreamReader> = {
  messages: readMessages,
  threads: readThreads,
};

export { readMessages };
