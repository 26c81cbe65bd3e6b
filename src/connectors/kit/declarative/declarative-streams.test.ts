import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../http-client/test-server.js';
import type { ManifestInput, SyncMode } from '../../../contracts/manifest.js';
import type { StreamState } from '../../../contracts/connector-kit.js';
import { readAll, readerContext } from '../sandbox/reader-harness.js';
import { holds } from './condition.js';
import { declarativeStreams, StreamSpecError } from './declarative-streams.js';
import type { StreamSpecInput } from './stream-spec.js';

/**
 * Described streams against a small provider over real HTTP on loopback: every paginator, both datetime
 * cursors, provider tokens (and their expiry), partitions, deletions, error rules, transforms and hooks, and the
 * start-up check of a description.
 */

type Item = { id: string; updated_at: string; name: string; part: string; deleted?: boolean };
const base = Date.parse('2024-03-01T00:00:00Z');
let items: Item[] = [];
const reset = () => {
  items = Array.from({ length: 25 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, updated_at: new Date(base + i * 60_000).toISOString(), name: `item ${i}`, part: i % 2 === 0 ? 'even' : 'odd' }));
};
const live = () => items.filter((item) => !item.deleted);
let exportSeq = 0;

function answer(res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

let server: TestServer;
beforeAll(async () => {
  reset();
  server = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const n = (name: string, fallback: number) => Number(q.get(name) ?? fallback);
    if (req.headers.authorization !== 'Bearer good') {
      if (url.pathname === '/slack') return answer(res, 200, req.headers.authorization === 'Bearer mute' ? { ok: false } : { ok: false, error: 'invalid_auth' });
      return answer(res, 401, { message: 'Bad credentials' });
    }
    switch (url.pathname) {
      case '/cursor': {
        const after = q.get('after') ? Number(q.get('after')) : 0;
        const page = live().slice(after, after + n('limit', 10));
        return answer(res, 200, { data: page, page: { cursor: page.length > 0 ? String(after + page.length) : null } });
      }
      case '/offset':
        return answer(res, 200, { data: live().slice(n('offset', 0), n('offset', 0) + n('limit', 10)), total: live().length });
      case '/page': {
        const size = n('per_page', 10);
        const start = (n('page', 1) - 1) * size;
        return answer(res, 200, { items: live().slice(start, start + size), has_more: start + size < live().length });
      }
      case '/link': {
        const at = n('at', 0);
        const next: Record<string, string> = at + 10 < live().length ? { link: `<${server.url}/link?at=${at + 10}>; rel="next"` } : {};
        return answer(res, 200, live().slice(at, at + 10), next);
      }
      case '/since': {
        const since = q.get('updated_since');
        const sorted = live().filter((item) => since === null || item.updated_at >= since).sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
        return answer(res, 200, { data: sorted.slice(0, n('limit', 10)) });
      }
      case '/export': {
        if (q.get('cursor') === 'expired') return answer(res, 410, { error: 'cursor expired' });
        const from = q.get('cursor') !== null ? Number(q.get('cursor')) : 0;
        const changed = items.filter((_, i) => i >= from).slice(0, 10);
        const end = from + changed.length >= items.length;
        exportSeq++;
        // `numeric=1` answers the position as a number, as Zendesk's time-based exports give `end_time`.
        const after = from + changed.length;
        return answer(res, 200, { records: changed, after_cursor: q.get('numeric') === '1' ? after : String(after), end_of_stream: end });
      }
      case '/instant': {
        // Three records at one instant, six at the next, one after: more at an instant than a page of three holds.
        const since = q.get('updated_since');
        const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
        const all = [...['a0', 'a1', 'a2'].map((id) => ({ id, updated_at: at(0) })), ...['b0', 'b1', 'b2', 'b3', 'b4', 'b5'].map((id) => ({ id, updated_at: at(1) })), { id: 'c0', updated_at: at(2) }];
        const from = all.filter((item) => since === null || item.updated_at >= since);
        const size = n('limit', 3);
        return answer(res, 200, { data: from.slice((n('page', 1) - 1) * size, n('page', 1) * size) });
      }
      case '/slack':
        return answer(res, 200, { ok: true, members: live().slice(0, 3), response_metadata: { next_cursor: '' } });
      case '/parts':
        return answer(res, 200, { parts: [{ key: 'even' }, { key: 'odd' }] });
      case '/deleted':
        return answer(res, 200, { ids: items.filter((item) => item.deleted).map((item) => item.id) });
      default: {
        const part = /^\/parts\/([^/]+)\/items$/.exec(url.pathname);
        if (part) {
          const inPart = live().filter((item) => item.part === decodeURIComponent(part[1]!));
          const after = Number(q.get('after') ?? 0);
          const page = inPart.slice(after, after + 5);
          return answer(res, 200, { data: page, next: after + 5 < inPart.length ? String(after + 5) : null });
        }
        return answer(res, 404, { message: 'Not Found' });
      }
    }
  });
});
afterAll(async () => {
  await server.close();
});

const stream = (name: string, incremental = false) => ({
  name,
  json_schema: { type: 'object' },
  primary_key: ['id'],
  ...(incremental ? { cursor_field: 'updated_at' } : {}),
  sync_modes: incremental ? (['full_refresh', 'incremental'] as SyncMode[]) : (['full_refresh'] as SyncMode[]),
});
const names = ['cursor', 'offset', 'page', 'link', 'sorted', 'keyset', 'instant', 'pass', 'export', 'export_numeric', 'slack', 'partitioned', 'parented', 'fallback', 'shaped', 'upgraded', 'defaulted'];
const incrementalNames = new Set(['sorted', 'keyset', 'instant', 'pass', 'export', 'export_numeric', 'partitioned', 'parented', 'fallback']);
const manifest: ManifestInput = {
  id: 'fake',
  name: 'Fake',
  description: 'A provider for the tests of described streams.',
  category: 'other',
  brand_logo: 'https://example.com/logo.svg',
  brand_color: '#000000',
  auth_mode: 'api_key',
  fields: [{ key: 'token', label: 'Token', type: 'password', secret: true, required: true }],
  auth: { headers: { Authorization: 'Bearer {{fields.token}}' }, query: {} },
  base_url: 'https://fake.example.com',
  allowed_hosts: ['fake.example.com'],
  streams: names.map((name) => stream(name, incrementalNames.has(name))),
};

const since = { type: 'datetime', field: 'updated_at', send: { param: 'updated_since' }, sorted: true } as const;
const specs: Record<string, StreamSpecInput> = {
  cursor: { requester: { path: '/cursor', query: { limit: 10 } }, records: { path: 'data' }, paginator: { type: 'cursor', param: 'after', next: 'page.cursor', resume_key: 'after_cursor' } },
  offset: { requester: { path: '/offset' }, records: { path: 'data' }, paginator: { type: 'offset', offset_param: 'offset', limit_param: 'limit', limit: 10, total: 'total' } },
  page: { requester: { path: '/page' }, records: { path: 'items' }, paginator: { type: 'page', page_param: 'page', size_param: 'per_page', size: 10, has_more: { path: 'has_more', equals: true } } },
  link: { requester: { path: '/link' }, paginator: { type: 'link_header' } },
  sorted: { requester: { path: '/since', query: { limit: 100 } }, records: { path: 'data' }, incremental: since },
  keyset: { requester: { path: '/since', query: { limit: 7 } }, records: { path: 'data' }, paginator: { type: 'keyset' }, incremental: since },
  instant: { requester: { path: '/instant', query: { limit: 3 } }, records: { path: 'data' }, paginator: { type: 'keyset', size: 3, page_param: 'page' }, incremental: since },
  pass: { requester: { path: '/cursor', query: { limit: 10 } }, records: { path: 'data' }, paginator: { type: 'cursor', param: 'after', next: 'page.cursor' }, incremental: { type: 'datetime', field: 'updated_at' } },
  export: {
    requester: { path: '/export' },
    records: { path: 'records' },
    paginator: { type: 'cursor', param: 'cursor', next: 'after_cursor', stop_when: { path: 'end_of_stream', equals: true } },
    incremental: { type: 'token', from: 'after_cursor', param: 'cursor', initial: { start_time: '{{cursor|0}}' }, cursor_format: 'unix_seconds', expired: [{ status: 410 }] },
    deletions: { type: 'flag', when: { path: 'deleted', equals: true } },
  },
  export_numeric: {
    requester: { path: '/export', query: { numeric: '1' } },
    records: { path: 'records' },
    paginator: { type: 'cursor', param: 'cursor', next: 'after_cursor', stop_when: { path: 'end_of_stream', equals: true } },
    incremental: { type: 'token', from: 'after_cursor', param: 'cursor', initial: { start_time: '{{cursor|0}}' }, cursor_format: 'unix_seconds' },
  },
  slack: {
    requester: { path: '/slack' },
    records: { path: 'members' },
    paginator: { type: 'cursor', param: 'cursor', next: 'response_metadata.next_cursor' },
    errors: [{ status: [200], body: { path: 'ok', equals: false }, action: 'fail', kind: 'config', message: '{{body.error|unknown_error}}: the provider refused the token' }],
  },
  partitioned: {
    requester: { path: '/parts/{{partition.id}}/items' },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'next' },
    incremental: { type: 'datetime', field: 'updated_at' },
    partitions: { config: 'parts', state_key: 'parts' },
  },
  parented: {
    requester: { path: '/parts/{{partition.id}}/items' },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'next' },
    incremental: { type: 'datetime', field: 'updated_at' },
    partitions: { parent: { requester: { path: '/parts' }, records: { path: 'parts' }, id: 'key' } },
  },
  fallback: {
    requester: { path: '/parts/{{partition.id}}/items' },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'next' },
    incremental: { type: 'datetime', field: 'updated_at' },
    partitions: { config: 'parts', parent: { requester: { path: '/parts' }, records: { path: 'parts' }, id: 'key' } },
  },
  shaped: {
    requester: { path: '/cursor', query: { limit: 10 } },
    records: { path: 'data', filter: [{ path: 'part', equals: 'even' }] },
    paginator: { type: 'cursor', param: 'after', next: 'page.cursor' },
    transform: [{ add: { path: 'source', value: 'fake' } }, { remove: 'part' }, { rename: { from: 'name', to: 'title' } }],
    hooks: { record: (record) => (record['id'] === 'r00' ? null : { ...record, upper: String(record['title']).toUpperCase() }) },
  },
  defaulted: {
    requester: { path: '/parts/{{partition.id}}/items' },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'next' },
    partitions: { config: 'parts', state_key: 'parts' },
    // Part names are case-blind at this provider, and none configured means the even part.
    hooks: { partitions: (ids) => (ids.length === 0 ? ['even'] : ids.map((id) => id.toLowerCase())) },
  },
  upgraded: {
    requester: { path: '/cursor', query: { limit: 10 } },
    records: { path: 'data' },
    paginator: { type: 'cursor', param: 'after', next: 'page.cursor', resume_key: 'after_cursor' },
    // An older reader saved its position as `{ position: "<n>" }`.
    hooks: { state: (state) => (typeof state['position'] === 'string' ? { after_cursor: state['position'] } : state) },
  },
};
const streams = declarativeStreams(manifest, specs);

function ctx(name: string, mode: SyncMode, state: StreamState | null, config: Record<string, unknown> = {}, token = 'good') {
  return readerContext({ manifest, stream: name, mode, state, baseUrl: server.url, token, config });
}
const ids = (records: Record<string, unknown>[]) => records.map((r) => String(r['id']));
const all = () => live().map((item) => item.id);

describe('described streams', () => {
  it.each(['cursor', 'offset', 'page', 'link'])('%s paging reads every record once and ends with an empty state', async (name) => {
    reset();
    const result = await readAll(streams[name]!, ctx(name, 'full_refresh', null));
    expect(ids(result.records)).toEqual(all());
    expect(result.state).toEqual({});
  });

  it('a plain walk checkpoints its position under the resume key and resumes there', async () => {
    reset();
    const cut = await readAll(streams['cursor']!, ctx('cursor', 'full_refresh', null), { stopAfterStates: 1 });
    expect(cut.state).toEqual({ after_cursor: '10' });
    const rest = await readAll(streams['cursor']!, ctx('cursor', 'full_refresh', cut.state));
    expect([...ids(cut.records), ...ids(rest.records)]).toEqual(all());
    const offset = await readAll(streams['offset']!, ctx('offset', 'full_refresh', null), { stopAfterStates: 2 });
    expect(offset.state).toEqual({ offset: 20 });
  });

  it('a sorted datetime cursor moves after every page, skips what it read at the cursor, and sends it to the provider', async () => {
    reset();
    const first = await readAll(streams['sorted']!, ctx('sorted', 'full_refresh', null));
    expect(ids(first.records)).toEqual(all());
    expect(first.state).toEqual({ cursor: items[24]!.updated_at, seen: ['r24'] });
    const quiet = await readAll(streams['sorted']!, ctx('sorted', 'incremental', first.state));
    expect(quiet.records).toEqual([]);
    const sent = server.requests.at(-1)!.url;
    expect(new URL(sent, server.url).searchParams.get('updated_since')).toBe(items[24]!.updated_at);
    items[3]!.updated_at = new Date(base + 3_600_000).toISOString();
    const next = await readAll(streams['sorted']!, ctx('sorted', 'incremental', first.state));
    expect(ids(next.records)).toEqual(['r03']);
  });

  it('keyset paging asks again from the moved cursor instead of following a token', async () => {
    reset();
    const before = server.requests.length;
    const result = await readAll(streams['keyset']!, ctx('keyset', 'full_refresh', null));
    expect(ids(result.records)).toEqual(all());
    // 25 records, 7 a page: pages from the cursor until one brings nothing new.
    const asked = server.requests.slice(before).map((r) => new URL(r.url, server.url).searchParams.get('updated_since'));
    expect(asked[0]).toBeNull();
    expect(asked.slice(1)).toEqual([items[6]!.updated_at, items[12]!.updated_at, items[18]!.updated_at, items[24]!.updated_at]);
  });

  it('keyset paging with a page size ends at a short page and steps through an instant that fills whole pages', async () => {
    const all10 = ['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'c0'];
    const before = server.requests.length;
    const result = await readAll(streams['instant']!, ctx('instant', 'full_refresh', null));
    expect(ids(result.records)).toEqual(all10);
    expect(result.state).toEqual({ cursor: new Date(base + 120_000).toISOString(), seen: ['c0'] });
    const asked = server.requests.slice(before).map((r) => new URL(r.url, server.url).searchParams);
    const [t0, t1] = [new Date(base).toISOString(), new Date(base + 60_000).toISOString()];
    expect(asked.map((q) => [q.get('updated_since'), q.get('page')])).toEqual([[null, null], [t0, null], [t0, '2'], [t1, null], [t1, '2'], [t1, '3']]);
    // Cut inside the instant of six: the saved page number carries on there.
    const cut = await readAll(streams['instant']!, ctx('instant', 'full_refresh', null), { stopAfterStates: 4 });
    expect(cut.state).toEqual({ cursor: new Date(base + 60_000).toISOString(), seen: ['b0', 'b1', 'b2'], page: 2 });
    const rest = await readAll(streams['instant']!, ctx('instant', 'incremental', cut.state));
    expect(ids(rest.records)).toEqual(['b3', 'b4', 'b5', 'c0']);
    // A quiet read asks once: the short page at the cursor is the last.
    const quietFrom = server.requests.length;
    expect((await readAll(streams['instant']!, ctx('instant', 'incremental', rest.state))).records).toEqual([]);
    expect(server.requests.length - quietFrom).toBe(1);
  });

  it('partitions from config fall back to the parent list when the config lists none', async () => {
    reset();
    const configured = await readAll(streams['fallback']!, ctx('fallback', 'full_refresh', null, { parts: 'odd' }));
    expect(new Set(configured.records.map((r) => r['part']))).toEqual(new Set(['odd']));
    expect(Object.keys((configured.state as { partitions: object }).partitions)).toEqual(['odd']);
    const listed = await readAll(streams['fallback']!, ctx('fallback', 'full_refresh', null, { parts: '' }));
    expect(ids(listed.records).sort()).toEqual(all());
  });

  it('an unsorted datetime walk filters here, keeps its pass while unfinished, and caps the cursor at the walk start', async () => {
    reset();
    const first = await readAll(streams['pass']!, ctx('pass', 'full_refresh', null));
    expect(first.records).toHaveLength(25);
    expect(first.state).toEqual({ cursor: items[24]!.updated_at });
    expect(first.states[0]).toMatchObject({ cursor: null, pass: { next: '10', max_seen: items[9]!.updated_at } });
    items[5]!.updated_at = new Date(base + 3_600_000).toISOString();
    const cut = await readAll(streams['pass']!, ctx('pass', 'incremental', first.state), { stopAfterStates: 1 });
    expect(ids(cut.records)).toEqual(['r05']);
    const rest = await readAll(streams['pass']!, ctx('pass', 'incremental', cut.state));
    expect(rest.records).toEqual([]);
    expect(rest.state).toEqual({ cursor: items[5]!.updated_at });
  });

  it('a provider token is saved from each page, resumed from, and an expired one restarts the stream', async () => {
    reset();
    const first = await readAll(streams['export']!, ctx('export', 'full_refresh', null));
    expect(ids(first.records)).toEqual(all());
    expect(first.state).toEqual({ token: '25' });
    expect(new URL(server.requests.filter((r) => r.url.startsWith('/export')).at(-3)!.url, server.url).searchParams.get('start_time')).toBe('0');
    items.push({ id: 'r25', updated_at: new Date(base + 7_200_000).toISOString(), name: 'new', part: 'odd' });
    items[25]!.deleted = true;
    const next = await readAll(streams['export']!, ctx('export', 'incremental', first.state));
    expect(next.records).toEqual([]);
    expect(next.deletes).toEqual(['r25']);
    const expired = await readAll(streams['export']!, ctx('export', 'incremental', { token: 'expired' }));
    expect(expired.restarts).toBe(1);
    expect(expired.records).toHaveLength(25);
    // A hand-set date is sent as the export's start time.
    await readAll(streams['export']!, ctx('export', 'incremental', { cursor: '2024-03-01T00:00:10Z' }));
    expect(server.requests.some((r) => r.url.includes('start_time=1709251210'))).toBe(true);
  });

  it('a numeric provider position is kept as its decimal text and sent back unchanged', async () => {
    reset();
    const first = await readAll(streams['export_numeric']!, ctx('export_numeric', 'full_refresh', null));
    expect(ids(first.records)).toEqual(all());
    expect(first.state).toEqual({ token: '25' });
    items.push({ id: 'r25', updated_at: new Date(base + 7_200_000).toISOString(), name: 'new', part: 'odd' });
    const next = await readAll(streams['export_numeric']!, ctx('export_numeric', 'incremental', first.state));
    expect(ids(next.records)).toEqual(['r25']);
    expect(next.state).toEqual({ token: '26' });
    expect(server.requests.at(-1)!.url).toContain('cursor=25');
  });

  it('a saved page of an unfinished token walk that the provider forgot restarts the stream instead of failing', async () => {
    reset();
    const stale = await readAll(streams['export']!, ctx('export', 'incremental', { pass: { next: 'expired' } }));
    expect(stale.restarts).toBe(1);
    expect(ids(stale.records)).toEqual(all());
    expect(stale.state).toEqual({ token: '25' });
  });

  it('conditions can exclude values: not_in', () => {
    const notReset = { path: 'error.code', not_in: ['syncStateNotFound', 'resyncRequired'] };
    expect(holds(notReset, { error: { code: 'ErrorItemNotFound' } })).toBe(true);
    expect(holds(notReset, { error: { code: 'resyncRequired' } })).toBe(false);
  });

  it('error rules turn a 200 { ok: false } into a config error with the provider words', async () => {
    reset();
    await expect(readAll(streams['slack']!, ctx('slack', 'full_refresh', null, {}, 'bad'))).rejects.toMatchObject({ kind: 'config', message: 'invalid_auth: the provider refused the token' });
    // An answer without the value the message names takes the placeholder's fallback.
    await expect(readAll(streams['slack']!, ctx('slack', 'full_refresh', null, {}, 'mute'))).rejects.toMatchObject({ kind: 'config', message: 'unknown_error: the provider refused the token' });
    const ok = await readAll(streams['slack']!, ctx('slack', 'full_refresh', null));
    expect(ok.records).toHaveLength(3);
  });

  it('partitions from config keep a state each and resume mid-pass at the partition being read', async () => {
    reset();
    const config = { parts: 'even, odd' };
    const cut = await readAll(streams['partitioned']!, ctx('partitioned', 'full_refresh', null, config), { stopAfterStates: 4 });
    expect(cut.state).toMatchObject({ pass: { full: true, pending: ['odd'] } });
    const rest = await readAll(streams['partitioned']!, ctx('partitioned', 'full_refresh', cut.state, config));
    expect([...ids(cut.records), ...ids(rest.records)].sort()).toEqual(all());
    expect(Object.keys((rest.state as { parts: object }).parts).sort()).toEqual(['even', 'odd']);
    expect(rest.state).not.toHaveProperty('pass');
    const quiet = await readAll(streams['partitioned']!, ctx('partitioned', 'incremental', rest.state, config));
    expect(quiet.records).toEqual([]);
    const parented = await readAll(streams['parented']!, ctx('parented', 'full_refresh', null));
    expect(ids(parented.records).sort()).toEqual(all());
  });

  it('a partitions hook normalises and defaults the partition ids listed in config', async () => {
    reset();
    const defaulted = await readAll(streams['defaulted']!, ctx('defaulted', 'full_refresh', null));
    expect(ids(defaulted.records)).toEqual(live().filter((item) => item.part === 'even').map((item) => item.id));
    const named = await readAll(streams['defaulted']!, ctx('defaulted', 'full_refresh', null, { parts: 'ODD, odd' }));
    expect(ids(named.records)).toEqual(live().filter((item) => item.part === 'odd').map((item) => item.id));
    expect(Object.keys((named.state as { parts: object }).parts)).toEqual(['odd']);
  });

  it('filters, transforms and the record hook shape what is kept', async () => {
    reset();
    const result = await readAll(streams['shaped']!, ctx('shaped', 'full_refresh', null));
    expect(result.records).toHaveLength(12);
    expect(result.records[0]).toEqual({ id: 'r02', updated_at: items[2]!.updated_at, title: 'item 2', source: 'fake', upper: 'ITEM 2' });
  });

  it('a state hook reads an older format, so a position saved by a hand-written reader resumes', async () => {
    reset();
    const rest = await readAll(streams['upgraded']!, ctx('upgraded', 'full_refresh', { position: '20' }));
    expect(ids(rest.records)).toEqual(all().slice(20));
  });

  it('a mistake in a description is an error at load naming the connector, stream and field', () => {
    const bad = (spec: unknown, name = 'cursor') => () => declarativeStreams(manifest, { [name]: spec as StreamSpecInput });
    expect(bad({ requester: { path: '/x' }, paginator: { type: 'cursor', next: 'page.cursor' } })).toThrow(new StreamSpecError('fake', 'cursor', 'paginator.param', 'Invalid input: expected string, received undefined'));
    expect(bad({ requester: { path: '/x' } }, 'sorted')).toThrow(/connector fake, stream sorted: incremental: the manifest lists incremental/);
    expect(bad({ requester: { path: '/x/{{partition.id}}' } })).toThrow(/stream cursor: requester: names \{\{partition/);
    expect(bad({ requester: { path: '/x?{{fields.token}}' } })).toThrow(/unknown placeholder \{\{fields.token\}\}/);
    expect(bad({ requester: { path: '/x' } }, 'nope')).toThrow(/connector fake, stream nope: the manifest has no stream/);
    expect(bad({ requester: { path: '/x' }, paginator: { type: 'keyset' } })).toThrow(/keyset paging needs a sorted datetime cursor/);
    expect(bad({ requester: { path: '/x' }, hooks: { partitions: (ids: string[]) => ids } })).toThrow(/stream cursor: hooks.partitions: the stream has no partitions/);
    expect(bad({ requester: { path: '/x' }, paginator: { type: 'keyset', page_param: 'page' }, incremental: since }, 'keyset')).toThrow(/stream keyset: paginator.size: stepping through one instant/);
    expect(bad({ requester: { path: '/x' }, incremental: { type: 'datetime', field: 'updated_at' }, partitions: {} }, 'pass')).toThrow(/stream pass: partitions: partitions come from config, a parent request, or both/);
  });
});
