import type { StreamContext, StreamMessage } from '../kit/index.js';
import { lookbackMicros, snapshot, type ChannelMarks } from './channel-marks.js';
import { selectedChannelIds, skippableChannelErrors } from './channel-selection.js';
import { callSlack, objectsOf, pageSize, type SlackObject } from './slack-api.js';

/** A walk over the selected channels, one at a time: the first of `pending` is the one being read. */
export interface ChannelPass {
  full: boolean;
  pending: string[];
}

export interface ChannelPassesInput<S extends ChannelMarks & { pass?: P }, P extends ChannelPass> {
  stream: string;
  /** The stream's state as stored (its pass, if a run stopped mid-walk). */
  previous: S;
  /** A new pass over the selected channels, from the previous state. */
  start: (ids: string[], full: boolean) => S;
  /** Reads (part of) the first pending channel; it takes the channel off `pending` when done with it. */
  readChannel: (channel: string, state: S, pass: P, lookback: bigint) => AsyncGenerator<StreamMessage>;
}

/**
 * What `messages` and `threads` share: resume the unfinished pass (a full refresh resumes only a full one), else
 * start one over the channels selected now; read channel after channel; end with the state that has no pass.
 */
export async function* channelPasses<S extends ChannelMarks & { pass?: P }, P extends ChannelPass>(ctx: StreamContext, input: ChannelPassesInput<S, P>): AsyncGenerator<StreamMessage> {
  const { previous } = input;
  const full = ctx.mode === 'full_refresh';
  const state = previous.pass && (!full || previous.pass.full) ? previous : input.start(await selectedChannelIds(ctx), full);
  const lookback = lookbackMicros(ctx.config);
  ctx.log('debug', `${input.stream} pass`, { full: state.pass?.full, channels: state.pass?.pending.length });
  while (state.pass && state.pass.pending.length > 0) {
    yield* input.readChannel(state.pass.pending[0]!, state, state.pass, lookback);
  }
  delete state.pass;
  yield { type: 'state', state: snapshot(state) };
}

/** Where a pass is inside a channel's history: the cursor of the next page, and the newest ts of this walk. */
export interface HistoryPosition {
  next?: string;
  top?: string;
}

/**
 * One page of a channel's history from `oldest` at the pass's cursor, newest first; null when the channel is to be
 * skipped (the bot left it, or it is gone), which is logged. Notes the walk's newest ts from its first page.
 */
export async function historyPage(ctx: StreamContext, channel: string, position: HistoryPosition, oldest: string | null): Promise<{ messages: SlackObject[]; body: SlackObject } | null> {
  const body = await callSlack(
    ctx,
    'conversations.history',
    { channel, limit: pageSize, ...(oldest === null ? {} : { oldest }), ...(position.next ? { cursor: position.next } : {}) },
    { accept: skippableChannelErrors },
  );
  if (body.ok !== true) {
    ctx.log('warn', 'channel skipped', { channel, error: String(body.error) });
    return null;
  }
  const messages = objectsOf(body['messages']);
  // Newest first: the first item of a walk's first page is the newest message of the channel.
  if (position.next === undefined && position.top === undefined && typeof messages[0]?.['ts'] === 'string') position.top = messages[0]['ts'];
  return { messages, body };
}
