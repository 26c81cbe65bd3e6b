import type { StreamReader } from '../kit/index.js';
import { listStreams } from './list-streams.js';
import { readMessages } from './messages-stream.js';
import { readThreads } from './threads-stream.js';

/** One reader per stream of the manifest: the two lists described, the per-channel histories hand-written. */
export const readChannels: StreamReader = listStreams['channels']!;
export const readUsers: StreamReader = listStreams['users']!;

export const streams: Record<'channels' | 'users' | 'messages' | 'threads', StreamReader> = {
  channels: readChannels,
  users: readUsers,
  messages: readMessages,
  threads: readThreads,
};

export { readMessages, readThreads };
