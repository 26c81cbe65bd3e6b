import type { StreamReader } from '../kit/index.js';
import { readCalendars } from './calendars-stream.js';
import { readEvents } from './events-stream.js';

/** One reader per stream of the manifest: `calendars` described, `events` hand-written (see events-stream.ts). */
export const streams: Record<'calendars' | 'events', StreamReader> = {
  calendars: readCalendars,
  events: readEvents,
};

export { readCalendars, readEvents };
