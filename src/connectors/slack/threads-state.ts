import { isObject, type StreamState } from '../kit/index.js';
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
  const threads: Record<string, Record<string, string>> = {};
  const raw = state?.['threads'];
  if (isObject(raw)) {
    for (const [channel, parents] of Object.entries(raw)) {
      if (!isObject(parents)) continue;
      const read = Object.fromEntries(Object.entries(parents).filter(([ts, latest]) => isTs(ts) && isTs(latest))) as Record<string, string>;
      if (Object.keys(read).length > 0) threads[channel] = read;
    }
  }
  const marks = readMarks(state);
  const pass = state?.['pass'];
  if (!isObject(pass)) return { ...marks, threads };
  const queue = Array.isArray(pass['queue']) ? pass['queue'].filter(isObject) : [];
  return {
    ...marks,
    threads,
    pass: {
      full: pass['full'] === true,
      pending: Array.isArray(pass['pending']) ? pass['pending'].filter((id): id is string => typeof id === 'string') : [],
      ...(typeof pass['next'] === 'string' ? { next: pass['next'] } : {}),
      ...(pass['last'] === true ? { last: true } : {}),
      ...(isTs(pass['top']) ? { top: pass['top'] } : {}),
      queue: queue
        .filter((t) => isTs(t['ts']) && isTs(t['latest']))
        .map((t) => ({ ts: t['ts'] as string, latest: t['latest'] as string, ...(isTs(t['oldest']) ? { oldest: t['oldest'] } : {}) })),
      ...(typeof pass['replies'] === 'string' ? { replies: pass['replies'] } : {}),
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
