import { hash32, Prng } from '../../kit/sandbox/index.js';
import { formatMicros } from './layout.js';
import { chatText, uuid } from './messages.js';
import type { Reply, ThreadSummary } from './thread-store.js';
import type { SlackObject, SlackWorld } from './world.js';

/**
 * Threads as Slack shows them. A parent carries `thread_ts` (its own ts), `reply_count`, `reply_users`,
 * `reply_users_count` and `latest_reply`, in `conversations.history` and as the first message of
 * `conversations.replies`; a reply carries `thread_ts` (the parent's ts) and `parent_user_id`, and is not in
 * `conversations.history` (only a reply also sent to the channel is, which the sandbox does not simulate).
 */
export function withThread(message: SlackObject, thread: ThreadSummary | null): SlackObject {
  if (thread === null) return message;
  return {
    ...message,
    thread_ts: message['ts'],
    reply_count: thread.count,
    reply_users_count: thread.users.length,
    latest_reply: formatMicros(thread.latest),
    reply_users: thread.users,
  };
}

export function renderReply(world: SlackWorld, reply: Reply, author: string, parent: SlackObject): SlackObject {
  const { seed } = world;
  const rng = new Prng(hash32(seed, reply.parent, reply.index, 25, reply.version));
  const text = chatText(rng, world);
  const message: SlackObject = {
    type: 'message',
    user: author,
    text,
    ts: formatMicros(reply.micros),
    thread_ts: parent['ts'],
    parent_user_id: parent['user'],
    client_msg_id: uuid(seed, reply.parent, reply.index, 26),
    team: world.teamId,
    blocks: [
      {
        type: 'rich_text',
        block_id: hash32(seed, reply.parent, reply.index, 27, reply.version).toString(36),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
      },
    ],
  };
  if (reply.editedMicros !== null) message['edited'] = { user: author, ts: formatMicros(reply.editedMicros) };
  return message;
}
