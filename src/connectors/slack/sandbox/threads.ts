import { hash32 } from '../../kit/sandbox/index.js';
import { kindOf } from './messages.js';

/**
 * Which seeded messages start a thread, and when their replies were posted, from `(seed, k)` alone, so threads
 * cost no memory at any size.
 *
 * About one ordinary user message in 120 is a thread parent (joins and bot posts never are: Slack cannot thread
 * a `channel_join`). It has 1 to 6 replies, each 20 s to ~10 min after the one before, so a seeded thread ends
 * within the hour after its parent. That hour is what keeps every seeded reply before the sandbox clock starts
 * (an hour after the last seeded message): replies added through `/_sandbox/changes` are always the newest.
 *
 * Few threads on purpose: reading them costs one `conversations.replies` call each, paced by the connector at
 * Slack's rate limit, and the acceptance suite reads them several times.
 */
const threadEvery = 120;
const maxReplies = 6;

/** The replies a seeded message was given (0: not a thread parent). Only for seeded messages (k < count). */
export function seededReplyCount(seed: number, k: number): number {
  if (kindOf(seed, { k, created: false }) !== 'user') return 0;
  if (hash32(seed, k, 20) % threadEvery !== 0) return 0;
  return 1 + (hash32(seed, k, 21) % maxReplies);
}

/** The ts (microseconds) of seeded reply `j` of parent `k`: strictly after the parent and after reply `j - 1`. */
export function seededReplyMicros(seed: number, k: number, parentMicros: number, j: number): number {
  let seconds = 0;
  for (let i = 0; i <= j; i++) seconds += 20 + (hash32(seed, k, i, 22) % 560);
  return (Math.floor(parentMicros / 1_000_000) + seconds) * 1_000_000 + (hash32(seed, k, j, 23) % 1_000_000);
}

/** Seeded replies end within this of their parent (6 steps of at most 579 s). */
export const replySpanMicros = 3600 * 1_000_000;
