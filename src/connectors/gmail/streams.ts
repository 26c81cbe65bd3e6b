import type { StreamReader } from '../kit/index.js';
import { readMessages } from './messages-stream.js';
import { readThreads } from './threads-stream.js';

/** One reader per stream of the manifest. */
export const streams: Record<'messages' | 'threads', StreamReader> = {
  messages: readMessages,
  threads: readThreads,
};

export { readMessages, readThreads };
