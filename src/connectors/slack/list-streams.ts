import { declarativeStreams, type StreamSpecInput } from '../kit/index.js';
import { manifest } from './manifest.js';
import { pageSize, slackErrorRules } from './slack-api.js';

/**
 * A full-refresh stream over one cursor-paginated list method: `GET /<method>?limit=200&cursor=…`, following
 * `response_metadata.next_cursor` (an empty string on the last page). Slack may answer a page with fewer items
 * than asked, even none, and still name a next one, so only the cursor ends a walk. Every answer is judged by
 * its `ok` (slack-api.ts).
 *
 * State, only while a pass is unfinished: `{ next: "<next_cursor>" }`; a finished pass leaves `{}`. Slack's
 * cursors stay valid long enough to resume a run that stopped between two pages.
 */
function listMethod(method: string, field: string, params: Record<string, string | number | boolean> = {}): StreamSpecInput {
  return {
    requester: { path: `/${method}`, query: { ...params, limit: pageSize } },
    records: { path: field },
    paginator: { type: 'cursor', param: 'cursor', next: 'response_metadata.next_cursor', stop_on_empty_page: false, resume_key: 'next' },
    errors: slackErrorRules(method),
  };
}

/**
 * - `channels`: `conversations.list`, public and private channels, archived ones included (their history stays
 *   readable).
 * - `users`: `users.list`, every member, bots and deactivated accounts included.
 */
export const listStreams = declarativeStreams(manifest, {
  channels: listMethod('conversations.list', 'channels', { types: 'public_channel,private_channel', exclude_archived: false }),
  users: listMethod('users.list', 'members'),
});
