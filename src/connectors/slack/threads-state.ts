import { lenientState, type StreamState } from '../kit/index.js';
import { readMarks, type ChannelMarks } from './channel-marks.js';
import { parseTs } from './slack-ts.js';

/**
 * The cursor JSON of the `threads` stream:
 * ```
 * {
 *   channels: { "<channel id>": "<newest history ts read>" },   // as `messages` keeps them
 *   cursor:   "<newest ts of all channels>" | null,
 *   threads:  { "<channel id>": { "<parent ts>": "<latest_reply read>" } },
 *   pass?: {
 *     full, pending: [channel ids],                // the channel being read first
 *     next?: "<history cursor of the page after this one>", last?: true (this page was the channel's last),
 *     top?:  "<newest ts of this walk>",
 *     queue: [{ ts, latest, oldest? }],           // threads of this history page still to read, newest first
 *     replies?: "<conversations.replies cursor inside queue[0]>"
 *   }
 * }
 * ```
 * `threads` holds only parents inside each channel's look-back window: an older parent is never listed by an
 * incremental read again, so remembering it would only grow the state.
 */
export interface QueuedThread {
  /** The parent's ts: the thread's id. */
  ts: string;
  /** The parent's `latest_reply`; stored in `threads` once the thread is read. */
  latest: string;
  /** Only replies after this are asked for (a thread read before); absent: the whole thread. */
  oldest?: string;
}

export interface ThreadsPass {
  full: boolean;
  pending: string[];
  next?: string;
  last?: boolean;
  top?: string;
  queue: QueuedThread[];
  replies?: string;
}

export interface ThreadsState extends ChannelMarks {
  threads: Record<string, Record<string, string>>;
  pass?: ThreadsPass;
}

const isTs = (value: unknown): value is string => typeof value === 'string' && parseTs(value) !== null;

export function readThreadsState(state: StreamState | null): ThreadsState {
  const saved = lenientState(state);
  const threads: Record<string, Record<string, string>> = {};
  for (const [channel, parents] of saved.entries('threads')) {
    const read = Object.fromEntries(Object.entries(parents.raw).filter(([ts, latest]) => isTs(ts) && isTs(latest))) as Record<string, string>;
    if (Object.keys(read).length > 0) threads[channel] = read;
  }
  const marks = readMarks(state);
  const pass = saved.object('pass');
  if (pass === null) return { ...marks, threads };
  const next = pass.text('next');
  const top = pass.text('top');
  const replies = pass.text('replies');
  const queue = (Array.isArray(pass.raw['queue']) ? pass.raw['queue'] : []).map((entry) => lenientState(entry as Record<string, unknown>));
  return {
    ...marks,
    threads,
    pass: {
      full: pass.flag('full') === true,
      pending: pass.texts('pending'),
      ...(next === null ? {} : { next }),
      ...(pass.flag('last') === true ? { last: true } : {}),
      ...(isTs(top) ? { top } : {}),
      queue: queue
        .filter((t) => isTs(t.raw['ts']) && isTs(t.raw['latest']))
        .map((t) => ({ ts: t.raw['ts'] as string, latest: t.raw['latest'] as string, ...(isTs(t.raw['oldest']) ? { oldest: t.raw['oldest'] } : {}) })),
      ...(replies === null ? {} : { replies }),
    },
  };
}

/** Forgets the channel's threads whose parent is at or before `floor`, where its next incremental window starts. */
export function forgetThreadsBefore(state: ThreadsState, channel: string, floor: bigint | null): void {
  const parents = state.threads[channel];
  if (!parents || floor === null) return;
  for (const ts of Object.keys(parents)) if ((parseTs(ts) ?? 0n) <= floor) delete parents[ts];
  if (Object.keys(parents).length === 0) delete state.threads[channel];
}
