import { configList, type StreamContext } from '../kit/index.js';
import { listStreams } from './list-streams.js';

/**
 * Which channels' history the `messages` and `threads` streams read: the ones named in the `channels` config, or
 * else every channel the bot is a member of (Slack refuses a bot the history of any other).
 */

/** A channel the bot left (or that vanished) since it was listed is skipped, not fatal. */
export const skippableChannelErrors = ['not_in_channel', 'channel_not_found'];

/** The `channels` config (ids or names, `#` optional) as lower-cased keys; null when unset. */
export function configuredChannels(config: Record<string, unknown>): Set<string> | null {
  // Spaces separate too: a channel name has none.
  const list = configList(config, 'channels').flatMap((value) => value.split(/\s+/));
  const keys = list.map((value) => value.replace(/^#/, '').toLowerCase()).filter((value) => value !== '');
  return keys.length === 0 ? null : new Set(keys);
}

/** The channel ids whose history is read, in `conversations.list` order. */
export async function selectedChannelIds(ctx: StreamContext): Promise<string[]> {
  const wanted = configuredChannels(ctx.config);
  const found = new Set<string>();
  const ids: string[] = [];
  let skipped = 0;
  // The `channels` stream's own walk, from its start.
  for await (const message of listStreams['channels']!({ ...ctx, state: null })) {
    if (message.type !== 'records') continue;
    for (const channel of message.records) {
      const id = typeof channel['id'] === 'string' ? channel['id'] : null;
      if (id === null) continue;
      const name = typeof channel['name'] === 'string' ? channel['name'].toLowerCase() : '';
      if (wanted) {
        const key = wanted.has(id.toLowerCase()) ? id.toLowerCase() : wanted.has(name) ? name : null;
        if (key === null) continue;
        found.add(key);
        ids.push(id);
      } else if (channel['is_member'] === true) {
        ids.push(id);
      } else {
        skipped++;
      }
    }
  }
  if (wanted) {
    const missing = [...wanted].filter((key) => !found.has(key));
    if (missing.length > 0) ctx.log('warn', 'configured channels not found in conversations.list', { channels: missing });
  }
  if (skipped > 0) ctx.log('info', 'channels the bot is not a member of are not read; invite it with /invite @bot to include them', { channels: skipped });
  return ids;
}
