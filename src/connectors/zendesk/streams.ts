import { declarativeStreams, type StreamHooks, type StreamSpecInput } from '../kit/index.js';
import { manifest } from './manifest.js';

/**
 * The three streams as described reads of Zendesk's incremental exports
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/).
 *
 * Tickets and users use the cursor-based exports: the first request sends `start_time` (Unix seconds, 0 for
 * everything), every page names `after_cursor`, sent back as `cursor`, and `end_of_stream: true` says the export
 * has caught up; the last `after_cursor` is where the next sync goes on. Organizations have only the time-based
 * export: each page's `end_time` is the next request's `start_time`, until `end_of_stream`. Zendesk leaves out
 * what changed in the minute before a request and returns it on the next one, so nothing is lost at the edge.
 *
 * Deletions are records of the export: a deleted ticket comes back with `status: "deleted"`, a deleted user with
 * `active: false`. A deleted organization is simply absent, so only a full refresh finds it.
 */

// The exports' largest page. Zendesk's OpenAPI document gives a page size (`per_page`) to the user and
// organization exports only; the ticket export pages by 1000 on its own.
const perPage = { per_page: 1000 };

// Zendesk refuses a `start_time` less than a minute old: a hand-set cursor in the future asks from a minute ago.
const notTooRecent: StreamHooks['request'] = (request) => {
  const latest = Math.floor(Date.now() / 1000) - 60;
  return Number(request.query['start_time']) > latest ? { ...request, query: { ...request.query, start_time: latest } } : request;
};

const cursorExport = (resource: 'tickets' | 'users', deleted: StreamSpecInput['deletions']): StreamSpecInput => ({
  requester: { path: `/incremental/${resource}/cursor`, query: resource === 'users' ? perPage : {} },
  records: { path: resource },
  paginator: { type: 'cursor', param: 'cursor', next: 'after_cursor', stop_when: { path: 'end_of_stream', equals: true } },
  incremental: {
    type: 'token',
    from: 'after_cursor',
    param: 'cursor',
    initial: { start_time: '{{cursor|0}}' },
    cursor_format: 'unix_seconds',
  },
  deletions: deleted,
  hooks: { request: notTooRecent },
});

export const specs: Record<'tickets' | 'users' | 'organizations', StreamSpecInput> = {
  tickets: cursorExport('tickets', { type: 'flag', when: { path: 'status', equals: 'deleted' } }),
  users: cursorExport('users', { type: 'flag', when: { path: 'active', equals: false } }),
  // The time-based export lists what changed at or after `start_time`, oldest first: the cursor is the last
  // `updated_at` read, and records at that very second already read are skipped by id next time.
  organizations: {
    requester: { path: '/incremental/organizations', query: { start_time: '{{cursor|0}}', ...perPage } },
    records: { path: 'organizations' },
    paginator: { type: 'cursor', param: 'start_time', next: 'end_time', stop_when: { path: 'end_of_stream', equals: true } },
    incremental: { type: 'datetime', field: 'updated_at', format: 'unix_seconds', granularity: 'second', send: { param: 'start_time' }, sorted: true },
    hooks: { request: notTooRecent },
  },
};

/** One reader per stream of the manifest. */
export const streams = declarativeStreams(manifest, specs);
