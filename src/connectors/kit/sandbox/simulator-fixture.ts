import type { ManifestInput } from '../../../contracts/manifest.js';
import type { StreamSpecInput } from '../declarative/stream-spec.js';
import type { SimulatorProvider } from './simulator-provider.js';

/**
 * A made-up provider, "Acme", for the simulator's tests: one stream per paginator kind, both datetime cursors,
 * tokens as parameters and as delta links, partitions from a parent list and from config, deletions by flag and by
 * endpoint, a transform, a POST search with a body cursor. Only tests import it.
 */

const itemSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    owner_email: { type: 'string', format: 'email' },
    score: { type: ['integer', 'null'], minimum: 1, maximum: 5 },
    labels: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};
const numberedSchema = { ...itemSchema, properties: { ...itemSchema.properties, id: { type: 'integer' } } };

export const acmeStreamNames = ['people', 'deals', 'tickets', 'notes', 'tasks', 'events', 'tags', 'comments', 'history', 'issues', 'messages', 'files'] as const;

export const acmeManifest: ManifestInput = {
  id: 'acme',
  name: 'Acme',
  description: 'A provider made up for the simulator tests.',
  category: 'test',
  brand_logo: 'https://example.com/acme.svg',
  brand_color: '#123456',
  auth_mode: 'api_key',
  fields: [{ key: 'token', label: 'Token', type: 'password', secret: true }],
  auth: { headers: { Authorization: 'Bearer {{fields.token}}' } },
  verify: { path: '/me' },
  base_url: 'https://api.acme.test/v2',
  allowed_hosts: ['api.acme.test'],
  streams: acmeStreamNames.map((name) => ({
    name,
    json_schema: name === 'tasks' || name === 'issues' ? numberedSchema : itemSchema,
    primary_key: ['id'],
    cursor_field: 'updated_at',
    sync_modes: ['people', 'deals', 'tickets', 'events', 'history', 'files'].includes(name) ? ['full_refresh', 'incremental'] : ['full_refresh'],
  })),
};

const since = { type: 'datetime', field: 'updated_at', send: { param: 'updated_since' } } as const;
export const acmeStreams: Record<(typeof acmeStreamNames)[number], StreamSpecInput> = {
  people: {
    requester: { path: '/people' },
    records: { path: 'data' },
    paginator: { type: 'offset', offset_param: 'offset', limit_param: 'limit', limit: 25, total: 'page.total' },
    incremental: since,
    deletions: { type: 'flag', when: { path: 'status', equals: 'deleted' } },
  },
  deals: {
    requester: { path: '/deals', query: { limit: 20 } },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'page.next_cursor', stop_when: { path: 'has_more', equals: false } },
    incremental: since,
  },
  tickets: {
    requester: { path: '/tickets' },
    paginator: { type: 'link_header' },
    incremental: {
      type: 'datetime',
      field: 'updated_at',
      send: { param: 'q', expression: 'updated >= "{{cursor}}" ORDER BY updated', otherwise: 'ORDER BY updated' },
      granularity: 'minute',
    },
  },
  notes: { requester: { path: '/notes' }, records: { path: 'value' }, paginator: { type: 'next_url', next: ['@odata.nextLink'] } },
  tasks: {
    requester: { path: '/tasks' },
    records: { path: 'results' },
    paginator: { type: 'page', page_param: 'page', size_param: 'size', size: 15, has_more: { path: 'more', equals: true } },
  },
  events: {
    requester: { path: '/events' },
    records: { path: 'items' },
    paginator: { type: 'cursor', param: 'pageToken', next: 'nextPageToken' },
    incremental: { type: 'token', from: 'nextSyncToken', param: 'syncToken', expired: [{ status: 410, body: { path: 'error.reason', equals: 'fullSyncRequired' } }] },
    deletions: { type: 'flag', when: { path: 'status', equals: 'cancelled' } },
  },
  tags: { requester: { path: '/tags' }, records: { path: 'tags' } },
  comments: {
    requester: { path: '/people/{{partition.id}}/comments' },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'next' },
    partitions: { parent: { requester: { path: '/people' }, records: { path: 'data' }, id: 'id' } },
  },
  history: {
    requester: { path: '/history', query: { limit: 10 } },
    records: { path: 'data' },
    paginator: { type: 'keyset' },
    incremental: { type: 'datetime', field: 'updated_at', send: { param: 'since' }, sorted: true },
    deletions: { type: 'endpoint', requester: { path: '/history/deleted', query: { since: '{{cursor}}' } }, records: { path: 'data' }, id: 'id' },
  },
  issues: {
    requester: { path: '/projects/{{partition.id}}/issues' },
    records: { path: 'data' },
    paginator: { type: 'offset', offset_param: 'start', limit_param: 'max', limit: 7 },
    partitions: { config: 'projects' },
    transform: [{ rename: { from: 'headline', to: 'title' } }],
  },
  messages: {
    requester: { method: 'POST', path: '/messages/search', body: { kind: 'all' } },
    records: { path: 'results', filter: [{ path: 'status', equals: 'open' }] },
    paginator: { type: 'cursor', param: 'start_cursor', next: 'next_cursor', in: 'body', stop_when: { path: 'has_more', equals: false } },
  },
  files: {
    requester: { path: '/drive/root/delta' },
    records: { path: 'value' },
    paginator: { type: 'next_url', next: ['@odata.nextLink'] },
    incremental: { type: 'token', from: ['@odata.deltaLink'], as: 'url', stop_at_token: true },
    deletions: { type: 'flag', when: { path: 'removed', exists: true } },
  },
};

export const acmeProvider: SimulatorProvider = {
  name: 'acme',
  errorBody: (status, code, message) => ({ error: { status, reason: code, message } }),
  envelope: ({ stream }) => ({ object: 'list', stream }),
  partitions: { issues: ['ALPHA', 'BETA'] },
};
