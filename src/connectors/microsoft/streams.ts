import type { StreamReader } from '../kit/index.js';
import { readEvents } from './events-stream.js';
import { readMessages } from './messages-stream.js';

/** One reader per stream of the manifest. */
export const streams: Record<'events' | 'messages', StreamReader> = {
  events: readEvents,
  messages: readMessages,
};

export { readEvents, readMessages };
