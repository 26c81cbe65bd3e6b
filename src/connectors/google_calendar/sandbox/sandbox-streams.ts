import type { StreamSpecInput } from '../../kit/index.js';

/**
 * The two lists the simulator keeps stores for, described as Google serves them: `calendarList.list` and, per
 * calendar on it, `events.list`, both paged by `pageToken` → `nextPageToken` and synced by `syncToken` →
 * `nextSyncToken`, a deleted event kept as `status: "cancelled"`. The simulator makes each store from these (the
 * events spread over the calendars' ids); Google's own paging and filters are the overrides in `lists.ts`.
 */
const calendarList = { path: '/calendar/v3/users/me/calendarList' };
const syncToken = { type: 'token' as const, from: 'nextSyncToken', param: 'syncToken', expired: [{ status: 410 }] };
const paginator = { type: 'cursor', param: 'pageToken', next: 'nextPageToken' } as const;

export const sandboxStreams: Record<'calendars' | 'events', StreamSpecInput> = {
  calendars: { requester: calendarList, records: { path: 'items' }, paginator, incremental: syncToken },
  events: {
    requester: { path: '/calendar/v3/calendars/{{partition.id}}/events' },
    records: { path: 'items' },
    paginator,
    incremental: syncToken,
    deletions: { type: 'flag', when: { path: 'status', equals: 'cancelled' } },
    partitions: { parent: { requester: calendarList, records: { path: 'items' }, id: 'id' } },
  },
};
