import { configList, declarativeStreams, type JsonRecord, type StreamContext, type StreamReader } from '../kit/index.js';
import { manifest } from './manifest.js';

/** The `calendars` config field (a comma list, or an array; spaces separate too) as calendar ids; null when unset. */
export function configuredCalendars(config: Record<string, unknown>): string[] | null {
  const ids = [...new Set(configList(config, 'calendars').flatMap((id) => id.split(/\s+/)).filter((id) => id !== ''))];
  return ids.length === 0 ? null : ids;
}

/** Whether a calendar list entry is one the config asks for ("primary" names the user's own calendar). */
export function isConfigured(entry: JsonRecord, configured: string[] | null): boolean {
  if (configured === null) return true;
  return configured.some((id) => id === entry['id'] || (id === 'primary' && entry['primary'] === true));
}

/**
 * `calendars` (full refresh), described: `GET /calendar/v3/users/me/calendarList?maxResults=250&showHidden=true`
 * (250 is calendarList's largest page; hidden calendars are still the user's, only not shown in the UI), following
 * `nextPageToken`, kept to the configured calendars when there are some — by a record hook, since "primary" is
 * not an id the entry carries but its `primary: true`. State, only while a pass is unfinished: `{ next: pageToken }`.
 */
const described = declarativeStreams(manifest, {
  calendars: {
    requester: { path: '/calendar/v3/users/me/calendarList', query: { maxResults: 250, showHidden: true } },
    records: { path: 'items' },
    paginator: { type: 'cursor', param: 'pageToken', next: 'nextPageToken', stop_on_empty_page: false, resume_key: 'next' },
    hooks: { record: (entry, ctx) => (isConfigured(entry, configuredCalendars(ctx.config)) ? entry : null) },
  },
});

export const readCalendars: StreamReader = described['calendars']!;

/** The calendars the events stream reads: the `calendars` stream's own walk from its start, without free/busy-only ones. */
export async function calendarsToRead(ctx: StreamContext): Promise<string[]> {
  const ids: string[] = [];
  for await (const message of readCalendars({ ...ctx, state: null })) {
    if (message.type !== 'records') continue;
    for (const entry of message.records) {
      if (typeof entry['id'] !== 'string') continue;
      // A free/busy reader cannot list events (Google answers 403): nothing to read there.
      if (entry['accessRole'] === 'freeBusyReader') {
        ctx.log('info', 'skipping a calendar shared as free/busy only', { calendar: entry['id'] });
        continue;
      }
      ids.push(entry['id']);
    }
  }
  return ids;
}
