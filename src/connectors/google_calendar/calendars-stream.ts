import type { StreamReader } from '../kit/index.js';
import { calendarListPages, configuredCalendars, isConfigured } from './stream-support.js';

/**
 * `calendars` (full refresh): `GET /calendar/v3/users/me/calendarList?showHidden=true`, page by page, kept to
 * the configured calendars when there are some. State, only while a pass is unfinished: `{ next: pageToken }`.
 */
export const readCalendars: StreamReader = async function* (ctx) {
  const configured = configuredCalendars(ctx.config);
  const start = typeof ctx.state?.['next'] === 'string' ? ctx.state['next'] : undefined;
  for await (const page of calendarListPages(ctx, start)) {
    const records = page.items.filter((entry) => isConfigured(entry, configured));
    if (records.length > 0) yield { type: 'records', records };
    yield { type: 'state', state: page.next === null ? {} : { next: page.next } };
  }
};
