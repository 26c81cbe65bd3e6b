import type { StreamReader } from '../kit/index.js';
import { channelList, listStream, userList } from './list-stream.js';
import { readMessages } from './messages-stream.js';
import { readThreads } from './threads-stream.js';

/** One reader per stream of the manifest. */
export const readChannels: StreamReader = listStream(channelList);
export const readUsers: StreamReader = listStream(userList);

export const streams: Record<'channels' | 'users' | 'messages' | 'threads', StreamReader> = {
  channels: readChannels,
  users: readUsers,
  messages: readMessages,
  threads: readThreads,
};

export { readMessages, readThreads };
