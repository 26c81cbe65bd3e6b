import type { StreamContext, StreamMessage, StreamReader } from '../kit/index.js';
import { channelPasses, historyPage } from './channel-passes.js';
import { advanceMark, minusLookback, snapshot, startMarks } from './channel-marks.js';
import { skippableChannelErrors } from './channel-selection.js';
import { callSlack, nextCursorOf, objectsOf, pageSize, type SlackObject } from './slack-api.js';
import { laterTs, parseTs } from './slack-ts.js';
import { forgetThreadsBefore, readThreadsState, type QueuedThread, type ThreadsPass, type ThreadsState } from './threads-state.js';

/**
 * `threads`: the replies of every thread in the channels `messages` reads, parents excluded (they are
 * messages), each keyed by `channel_id` + `ts`. `conversations.history` leaves replies out, so each channel's
 * history is walked for parents (`reply_count` > 0) and each parent's thread is paged with
 * `conversations.replies` and `cursor`.
 *
 * Incremental reads walk history from each channel's mark minus the look-back window, as `messages` does, and
 * read only the threads whose `latest_reply` is not the one already read: a new thread entirely, a moved one
 * from the last reply read minus the look-back (`oldest`), so its new replies come back with the edits of that
 * window. Slack moves nothing on the parent when a reply is edited or deleted, so an edit in a thread that got
 * no new reply, a reply to a parent older than the window, and deletions all arrive with a full refresh.
 *
 * A checkpoint follows every page (history or replies; the state is in threads-state.ts), so a resumed run
 * re-reads at most one page.
 */

/** A parent deleted since history listed it. */
const skippableThreadErrors = ['thread_not_found'];

export const readThreads: StreamReader = (ctx) => {
  const previous = readThreadsState(ctx.state);
  return channelPasses<ThreadsState, ThreadsPass>(ctx, {
    stream: 'threads',
    previous,
    start: (ids, full) => ({
      ...startMarks(previous, ids, full),
      // Threads of channels no longer selected are forgotten.
      threads: full ? {} : Object.fromEntries(Object.entries(previous.threads).filter(([id]) => ids.includes(id))),
      pass: { full, pending: ids, queue: [] },
    }),
    readChannel: (channel, state, pass, lookback) => readChannel(ctx, channel, state, pass, lookback),
  });
};

async function* readChannel(ctx: StreamContext, channel: string, state: ThreadsState, pass: ThreadsPass, lookback: bigint): AsyncGenerator<StreamMessage> {
  const mark = pass.full ? null : (state.channels[channel] ?? null);
  for (;;) {
    const thread = pass.queue[0];
    if (thread !== undefined) {
      if (!(yield* readReplies(ctx, channel, thread, state, pass))) {
        finish(channel, state, pass, null, lookback);
        yield { type: 'state', state: snapshot(state) };
        return;
      }
    } else if (pass.last === true) {
      finish(channel, state, pass, mark, lookback);
    } else if (!(await readHistoryPage(ctx, channel, state, pass, minusLookback(mark, lookback), lookback))) {
      finish(channel, state, pass, null, lookback);
    }
    yield { type: 'state', state: snapshot(state) };
    if (pass.pending[0] !== channel) return;
  }
}

/** Queues the threads of the channel's next history page that need reading; false when the channel is skipped. */
async function readHistoryPage(ctx: StreamContext, channel: string, state: ThreadsState, pass: ThreadsPass, oldest: string | null, lookback: bigint): Promise<boolean> {
  const page = await historyPage(ctx, channel, pass, oldest);
  if (page === null) return false;
  const { messages, body } = page;
  const read = pass.full ? {} : (state.threads[channel] ?? {});
  pass.queue = messages.flatMap((message) => {
    const parent = parentOf(message);
    if (parent === null || read[parent.ts] === parent.latest) return [];
    const seen = read[parent.ts];
    const from = seen === undefined ? null : minusLookback(seen, lookback);
    return [{ ...parent, ...(from === null ? {} : { oldest: from }) }];
  });
  const next = body['has_more'] === true ? nextCursorOf(body) : null;
  if (next === null || next === pass.next) {
    delete pass.next;
    pass.last = true;
  } else {
    pass.next = next;
  }
  return true;
}

/** A history item that starts a thread with replies (a reply also sent to the channel is not one). */
function parentOf(message: SlackObject): { ts: string; latest: string } | null {
  const { ts, latest_reply: latest, reply_count: count, thread_ts: threadTs } = message;
  if (typeof ts !== 'string' || typeof latest !== 'string' || typeof count !== 'number' || count <= 0) return null;
  if (threadTs !== undefined && threadTs !== ts) return null;
  return { ts, latest };
}

/** One page of the first queued thread; false when the whole channel is to be skipped. */
async function* readReplies(ctx: StreamContext, channel: string, thread: QueuedThread, state: ThreadsState, pass: ThreadsPass): AsyncGenerator<StreamMessage, boolean> {
  const body = await callSlack(
    ctx,
    'conversations.replies',
    { channel, ts: thread.ts, limit: pageSize, ...(thread.oldest ? { oldest: thread.oldest } : {}), ...(pass.replies ? { cursor: pass.replies } : {}) },
    { accept: [...skippableChannelErrors, ...skippableThreadErrors] },
  );
  if (body.ok !== true) {
    if (!skippableThreadErrors.includes(String(body.error))) {
      ctx.log('warn', 'channel skipped', { channel, error: String(body.error) });
      return false;
    }
    ctx.log('info', 'thread skipped: its parent was deleted', { channel, thread_ts: thread.ts });
    delete state.threads[channel]?.[thread.ts];
    nextThread(pass);
    return true;
  }
  const messages = objectsOf(body['messages']);
  // Slack puts the parent first on every page; its `latest_reply` is fresher than history's.
  const parent = messages.find((message) => message['ts'] === thread.ts);
  if (typeof parent?.['latest_reply'] === 'string') thread.latest = parent['latest_reply'];
  const records = messages.filter((message) => message !== parent).map((reply): SlackObject => ({ ...reply, channel_id: channel }));
  if (records.length > 0) yield { type: 'records', records };
  const next = body['has_more'] === true ? nextCursorOf(body) : null;
  if (next === null || next === pass.replies) {
    (state.threads[channel] ??= {})[thread.ts] = thread.latest;
    nextThread(pass);
  } else {
    pass.replies = next;
  }
  return true;
}

function nextThread(pass: ThreadsPass): void {
  pass.queue.shift();
  delete pass.replies;
}

/** Records the channel's newest ts, forgets threads the next window will not reach, and moves to the next channel. */
function finish(channel: string, state: ThreadsState, pass: ThreadsPass, mark: string | null, lookback: bigint): void {
  advanceMark(state, channel, laterTs(mark, pass.top ?? null));
  const newest = parseTs(state.channels[channel] ?? null);
  forgetThreadsBefore(state, channel, newest === null ? null : newest - lookback);
  pass.pending = pass.pending.filter((id) => id !== channel);
  pass.queue = [];
  delete pass.next;
  delete pass.last;
  delete pass.top;
  delete pass.replies;
}
