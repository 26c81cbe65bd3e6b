import { lenientState, type StreamContext, type StreamMessage, type StreamReader, type StreamState } from '../kit/index.js';
import { channelPasses, historyPage } from './channel-passes.js';
import { advanceMark, minusLookback, readMarks, snapshot, startMarks, type ChannelMarks } from './channel-marks.js';
import { nextCursorOf, type SlackObject } from './slack-api.js';
import { laterTs } from './slack-ts.js';

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

interface MessagesState extends ChannelMarks {
  pass?: Pass;
}

function readState(state: StreamState | null): MessagesState {
  const marks = readMarks(state);
  const pass = lenientState(state).object('pass');
  if (pass === null) return marks;
  const next = pass.text('next');
  const top = pass.text('top');
  return { ...marks, pass: { full: pass.flag('full') === true, pending: pass.texts('pending'), ...(next === null ? {} : { next }), ...(top === null ? {} : { top }) } };
}

export const readMessages: StreamReader = (ctx) => {
  const previous = readState(ctx.state);
  return channelPasses<MessagesState, Pass>(ctx, {
    stream: 'messages',
    previous,
    start: (ids, full) => ({ ...startMarks(previous, ids, full), pass: { full, pending: ids } }),
    readChannel: (channel, state, pass, lookback) => readChannel(ctx, channel, state, pass, lookback),
  });
};

async function* readChannel(
  ctx: StreamContext,
  channel: string,
  state: MessagesState,
  pass: Pass,
  lookback: bigint,
): AsyncGenerator<StreamMessage> {
  const mark = pass.full ? null : (state.channels[channel] ?? null);
  const oldest = minusLookback(mark, lookback);
  for (;;) {
    const page = await historyPage(ctx, channel, pass, oldest);
    if (page === null) {
      finish(channel, state, pass, null);
      yield { type: 'state', state: snapshot(state) };
      return;
    }
    const { messages, body } = page;
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
  advanceMark(state, channel, laterTs(mark, pass.top ?? null));
  pass.pending = pass.pending.filter((id) => id !== channel);
  delete pass.next;
  delete pass.top;
}
