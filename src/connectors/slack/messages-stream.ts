import type { StreamContext, StreamMessage, StreamReader, StreamState } from '../../contracts/connector-kit.js';
import { walkList, channelList } from './list-stream.js';
import { callSlack, nextCursorOf, objectsOf, pageSize, type SlackObject } from './slack-api.js';
import { formatTs, laterTs, microsPerDay, parseTs } from './slack-ts.js';

/**
 * `messages`: `conversations.history` of every channel the bot is a member of (or the configured ones), newest
 * first, `cursor`-paginated, each message keyed by `channel_id` + `ts`.
 *
 * Incremental reads pass `oldest`: the newest ts already read in that channel, minus a look-back window. Slack
 * keeps a message's ts when it is edited or gets reactions, and history has no "changed since", so only the
 * window brings such updates back (unchanged ones cost nothing: the engine compares content hashes). Deleted
 * messages simply vanish from history (`message_deleted` exists only as an Events API event), so deletions are
 * found by a full refresh.
 *
 * State:
 * ```
 * {
 *   channels: { "<channel id>": "<newest ts read>" },
 *   cursor:   "<newest ts of all channels>" | null,     // informational; set by hand (ts or ISO date) it
 *                                                      // applies to every channel without a position
 *   pass?:    { full, pending: [channel ids], next?: "<history cursor>", top?: "<newest ts of this walk>" }
 * }
 * ```
 * A checkpoint follows every page, so a resumed run re-reads at most one page.
 */
interface Pass {
  full: boolean;
  pending: string[];
  next?: string;
  top?: string;
}

interface MessagesState {
  channels: Record<string, string>;
  cursor: string | null;
  pass?: Pass;
}

const defaultLookbackDays = 7;
/** A channel the bot left (or that vanished) since it was listed is skipped, not fatal. */
const skippableErrors = ['not_in_channel', 'channel_not_found'];

function readState(state: StreamState | null): MessagesState {
  const channels: Record<string, string> = {};
  const raw = state?.['channels'];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [id, ts] of Object.entries(raw)) if (typeof ts === 'string' && parseTs(ts) !== null) channels[id] = ts;
  }
  const cursor = typeof state?.['cursor'] === 'string' && parseTs(state['cursor']) !== null ? state['cursor'] : null;
  const pass = state?.['pass'];
  if (!pass || typeof pass !== 'object' || Array.isArray(pass)) return { channels, cursor };
  const p = pass as Record<string, unknown>;
  return {
    channels,
    cursor,
    pass: {
      full: p['full'] === true,
      pending: Array.isArray(p['pending']) ? p['pending'].filter((id): id is string => typeof id === 'string') : [],
      ...(typeof p['next'] === 'string' ? { next: p['next'] } : {}),
      ...(typeof p['top'] === 'string' ? { top: p['top'] } : {}),
    },
  };
}

export function lookbackDays(config: Record<string, unknown>): number {
  const raw = config['lookback_days'];
  const days = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : defaultLookbackDays;
  return Number.isFinite(days) && days >= 0 ? Math.floor(days) : defaultLookbackDays;
}

/** The `channels` config (ids or names, `#` optional) as lower-cased keys; null when unset. */
export function configuredChannels(config: Record<string, unknown>): Set<string> | null {
  const raw = config['channels'];
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const keys = list.map((value) => value.trim().replace(/^#/, '').toLowerCase()).filter((value) => value !== '');
  return keys.length === 0 ? null : new Set(keys);
}

/** The channel ids whose history is read, in `conversations.list` order. */
async function channelIds(ctx: StreamContext): Promise<string[]> {
  const wanted = configuredChannels(ctx.config);
  const found = new Set<string>();
  const ids: string[] = [];
  let skipped = 0;
  for await (const page of walkList(ctx, channelList, null)) {
    for (const channel of page.items) {
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

export const readMessages: StreamReader = async function* (ctx) {
  const previous = readState(ctx.state);
  const full = ctx.mode === 'full_refresh';
  let state: MessagesState;
  if (previous.pass && (!full || previous.pass.full)) {
    state = previous;
  } else {
    const ids = await channelIds(ctx);
    const channels = full ? {} : { ...previous.channels };
    // A cursor set by hand, with no channel positions, is where every channel starts.
    if (!full && Object.keys(channels).length === 0 && previous.cursor !== null) for (const id of ids) channels[id] = previous.cursor;
    state = { channels, cursor: full ? null : previous.cursor, pass: { full, pending: ids } };
  }
  const lookback = BigInt(lookbackDays(ctx.config)) * microsPerDay;
  ctx.log('debug', 'messages pass', { full: state.pass?.full, channels: state.pass?.pending.length });

  while (state.pass && state.pass.pending.length > 0) {
    yield* readChannel(ctx, state.pass.pending[0]!, state, state.pass, lookback);
  }
  delete state.pass;
  yield { type: 'state', state: snapshot(state) };
};

async function* readChannel(
  ctx: StreamContext,
  channel: string,
  state: MessagesState,
  pass: Pass,
  lookback: bigint,
): AsyncGenerator<StreamMessage> {
  const mark = pass.full ? null : (state.channels[channel] ?? null);
  const markTs = mark === null ? null : parseTs(mark);
  const oldest = markTs === null ? null : formatTs(markTs - lookback);
  for (;;) {
    const body = await callSlack(
      ctx,
      'conversations.history',
      { channel, limit: pageSize, ...(oldest === null ? {} : { oldest }), ...(pass.next ? { cursor: pass.next } : {}) },
      { accept: skippableErrors },
    );
    if (body.ok !== true) {
      ctx.log('warn', 'channel skipped', { channel, error: String(body.error) });
      finish(channel, state, pass, null);
      yield { type: 'state', state: snapshot(state) };
      return;
    }
    const messages = objectsOf(body['messages']);
    // Newest first: the first item of a walk's first page is the newest message of the channel.
    if (pass.next === undefined && pass.top === undefined && typeof messages[0]?.['ts'] === 'string') pass.top = messages[0]['ts'];
    const records = messages.map((message): SlackObject => ({ ...message, channel_id: channel }));
    if (records.length > 0) yield { type: 'records', records };
    const next = body['has_more'] === true ? nextCursorOf(body) : null;
    if (next === null || next === pass.next) {
      finish(channel, state, pass, mark);
    } else {
      pass.next = next;
    }
    yield { type: 'state', state: snapshot(state) };
    if (next === null || pass.next === undefined) return;
  }
}

/** Records the channel's newest ts and moves the pass on to the next channel. */
function finish(channel: string, state: MessagesState, pass: Pass, mark: string | null): void {
  const newest = laterTs(mark, pass.top ?? null);
  if (newest !== null) {
    state.channels[channel] = newest;
    state.cursor = laterTs(state.cursor, newest);
  }
  pass.pending = pass.pending.filter((id) => id !== channel);
  delete pass.next;
  delete pass.top;
}

function snapshot(state: MessagesState): StreamState {
  return JSON.parse(JSON.stringify(state)) as StreamState;
}
