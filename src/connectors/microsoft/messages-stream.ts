import { lenientState, type StreamReader, type StreamState } from '../kit/index.js';
import { deltaRound } from './delta-round.js';
import { handSetCursor, mailFolders, readLink } from './stream-support.js';

/**
 * `messages`: `GET /me/mailFolders/{folder}/messages/delta` for each configured folder (delta is a per-folder
 * operation in Graph; `/me/messages` has no delta in v1.0). Deleted messages, and messages moved out of a folder,
 * come as `@removed` and are reported deleted.
 *
 * State: `{ folders: { "<folder>": { nextLink } | { deltaLink } } }`, one delta round per folder, checkpointed
 * after every page. A folder without a saved link (new in the config, or after a full refresh) starts a fresh
 * round; one whose link Graph no longer knows (`410`, `syncStateNotFound`) too. Folders no longer configured are
 * dropped from the state. A hand-set ISO cursor starts every folder afresh, keeping messages modified since.
 */

const pageSize = 50;

type Position = { nextLink: string } | { deltaLink: string };

export const readMessages: StreamReader = async function* (ctx) {
  const configured = mailFolders(ctx.config);
  const saved = lenientState(ctx.mode === 'incremental' ? ctx.state : null);
  const { floor } = handSetCursor(saved);
  const previous = saved.entries('folders');
  const positions: Record<string, Position> = {};
  for (const folder of configured) {
    const value = previous.get(folder);
    if (value !== undefined && readLink(value) !== null) positions[folder] = value.raw as Position;
  }
  const stateOf = (): StreamState => ({ folders: JSON.parse(JSON.stringify(positions)) as StreamState });

  for (const folder of configured) {
    const checkpoint = (at: Position): StreamState => {
      positions[folder] = at;
      return stateOf();
    };
    const position = positions[folder];
    const link = position === undefined ? null : readLink(lenientState(position));
    if (link !== null) {
      const end = yield* deltaRound(ctx, { start: { kind: 'link', url: link }, pageSize, checkpoint });
      if (end.kind === 'done') continue;
      ctx.log('warn', 'messages: Graph asked for a full resync of a mail folder', { folder, reason: end.reason });
    }
    yield* deltaRound(ctx, {
      start: { kind: 'fresh', url: `/me/mailFolders/${encodeURIComponent(folder)}/messages/delta` },
      pageSize,
      floor,
      checkpoint,
    });
  }
};
