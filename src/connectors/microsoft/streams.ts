import { declarativeStreams, type StreamReader, type StreamSpecInput } from '../kit/index.js';
import { readEvents } from './events-stream.js';
import { manifest } from './manifest.js';
import { messagesHooks } from './messages-hooks.js';

/** Graph's answers meaning a saved delta or next link is no longer known: start a fresh round. */
const resetCodes = ['syncStateNotFound', 'resyncRequired', 'syncStateInvalid'];

/**
 * - `events`, hand-written (`events-stream.ts`): a calendar view delta bound to a window that moves, which a
 *   description cannot say.
 * - `messages`, described + hooks (`messages-hooks.ts`): `GET /me/mailFolders/{folder}/messages/delta` for each
 *   configured folder (delta is a per-folder operation in Graph; `/me/messages` has no delta in v1.0), 50 a page
 *   (`Prefer: odata.maxpagesize`), following `@odata.nextLink` until the page holding the `@odata.deltaLink` that
 *   starts the next round. Deleted messages, and messages moved out of a folder, come as `@removed` and are
 *   reported deleted.
 *   State: `{ folders: { "<folder>": { deltaLink } | { deltaLink?, pass: { nextLink } } }, pass?: { full, pending } }`,
 *   one delta round per folder, checkpointed after every page (the hand-written reader's `{ nextLink }` mid-round
 *   is read by the state hook). A folder without a saved link (new in the config, or after a full refresh) starts a
 *   fresh round; one whose link Graph no longer knows (`410`, `syncStateNotFound`) too. Folders no longer
 *   configured are dropped from the state. A hand-set ISO cursor starts every folder afresh, keeping messages
 *   modified since.
 */
export const messagesSpec: StreamSpecInput = {
  requester: { path: '/me/mailFolders/{{partition.id}}/messages/delta', headers: { Prefer: 'odata.maxpagesize=50' } },
  paginator: { type: 'next_url', next: '@odata.nextLink', resume_key: 'nextLink' },
  incremental: {
    type: 'token',
    from: '@odata.deltaLink',
    as: 'url',
    state_key: 'deltaLink',
    expired: [{ status: 410 }, ...[400, 404].map((status) => ({ status, body: { path: 'error.code', in: resetCodes } }))],
  },
  partitions: { config: 'mail_folders', state_key: 'folders' },
  deletions: { type: 'flag', when: { path: '@removed', exists: true } },
  errors: [
    {
      status: [400, 404],
      body: { path: 'error.code', not_in: resetCodes },
      action: 'fail',
      kind: 'config',
      message: 'http_status: Graph answered {{status}}: {{body.error.code}}: {{body.error.message}}',
    },
  ],
  hooks: messagesHooks,
};

/** The reader of the description above (the sandbox serves the same description). */
const described = declarativeStreams(manifest, { messages: messagesSpec });

export const readMessages = described['messages']!;
export { readEvents };

/** One reader per stream of the manifest. */
export const streams: Record<'events' | 'messages', StreamReader> = { events: readEvents, messages: readMessages };
