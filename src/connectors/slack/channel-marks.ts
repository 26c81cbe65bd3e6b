import { lenientState, type StreamState } from '../kit/index.js';
import { formatTs, laterTs, microsPerDay, parseTs } from './slack-ts.js';

/**
 * How far each channel's history has been read: the newest ts seen per channel, and the newest of them all as
 * the stream's informational `cursor`. `messages` and `threads` keep their own marks, the same way.
 *
 * An incremental read starts each channel at its mark minus the look-back window (`lookback_days`), because
 * Slack keeps a message's ts when it is edited, reacted to or replied to, and history has no "changed since".
 * A `cursor` set by hand (a Slack ts or an ISO date), with no channel marks, is where every channel starts.
 */
export interface ChannelMarks {
  channels: Record<string, string>;
  cursor: string | null;
}

const defaultLookbackDays = 7;

export function readMarks(state: StreamState | null): ChannelMarks {
  const saved = lenientState(state);
  const channels: Record<string, string> = {};
  for (const [id, ts] of Object.entries(saved.object('channels')?.raw ?? {})) if (typeof ts === 'string' && parseTs(ts) !== null) channels[id] = ts;
  const cursor = saved.text('cursor');
  return { channels, cursor: parseTs(cursor) === null ? null : cursor };
}

/** The marks a new pass over `ids` starts from: none for a full refresh. */
export function startMarks(previous: ChannelMarks, ids: string[], full: boolean): ChannelMarks {
  if (full) return { channels: {}, cursor: null };
  const channels = { ...previous.channels };
  if (Object.keys(channels).length === 0 && previous.cursor !== null) for (const id of ids) channels[id] = previous.cursor;
  return { channels, cursor: previous.cursor };
}

/** Records a channel's newest ts once its walk is over. */
export function advanceMark(marks: ChannelMarks, channel: string, newest: string | null): void {
  if (newest === null) return;
  marks.channels[channel] = newest;
  marks.cursor = laterTs(marks.cursor, newest);
}

export function lookbackDays(config: Record<string, unknown>): number {
  const raw = config['lookback_days'];
  const days = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : defaultLookbackDays;
  return Number.isFinite(days) && days >= 0 ? Math.floor(days) : defaultLookbackDays;
}

export function lookbackMicros(config: Record<string, unknown>): bigint {
  return BigInt(lookbackDays(config)) * microsPerDay;
}

/** `ts` minus the look-back, as a Slack ts; null when there is no `ts` (read from the beginning). */
export function minusLookback(ts: string | null, lookback: bigint): string | null {
  const micros = ts === null ? null : parseTs(ts);
  return micros === null ? null : formatTs(micros - lookback);
}

/** A deep copy, so a checkpoint handed to the engine never changes under it. */
export function snapshot(state: object): StreamState {
  return JSON.parse(JSON.stringify(state)) as StreamState;
}
