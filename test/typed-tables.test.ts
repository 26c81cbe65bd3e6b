import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { StreamManifestSchema } from '../src/contracts/manifest.js';
import { queryRows } from '../src/db/db.js';
import { commitBatch, contentHash } from '../src/db/queries/records/commit-batch.js';
import { ensureRecordTable } from '../src/db/queries/records/record-tables.js';
import { TypedTable } from '../src/engine/typed-table.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { countsOf, install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';

/**
 * Typed tables: a provider whose payload gains fields and changes types mid-sync. The run completes, the table
 * grows columns and widens an inferred one, a value that does not fit a declared column is kept in `_variants`,
 * every change is listed by the API, and plain SQL on the workspace's schema reads typed values.
 */
type Issue = Record<string, unknown>;
let pages: Issue[][] = [];

const evolving: ConnectorDefinition = {
  manifest: testManifest({
    id: 'evolving_test',
    name: 'Evolving test',
    description: 'A provider whose payloads change shape, for typed-table tests',
    streams: [
      {
        name: 'issues',
        json_schema: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            number: { type: 'integer' },
            title: { type: 'string' },
            created_at: { type: 'string', format: 'date-time' },
            user: { type: ['object', 'null'], properties: { login: { type: 'string' }, id: { type: 'integer' } } },
          },
        },
        primary_key: ['id'],
        sync_modes: ['full_refresh'],
      },
    ],
  }),
  streams: {
    async *issues(): AsyncGenerator<StreamMessage> {
      for (const page of pages) yield { type: 'records', records: page };
    },
  },
};

function issue(n: number, extra: Issue = {}): Issue {
  return {
    id: 1000 + n,
    number: n,
    title: `Issue ${n}`,
    created_at: `2024-03-${String((n % 28) + 1).padStart(2, '0')}T10:00:00Z`,
    user: { login: `user${n % 3}`, id: n % 3, avatarUrl: `https://example.com/${n % 3}.png` },
    score: n,
    ...extra,
  };
}

describe.each(databaseKinds)('typed tables with schema evolution on %s', (kind) => {
  let rt: TestRuntime;
  let key: string;
  let schema: string;
  let connectionId: string;
  const table = 'evolving_test_issues';

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { connectors: [evolving], engine: { batchSize: 25 } });
    key = rt.bootstrap!.apiKey;
    schema = rt.bootstrap!.dataSchema;
  });
  afterAll(async () => rt?.stop());

  it('refuses a flatten_depth that is not a small integer', async () => {
    const res = await rt.inject({ method: 'POST', url: '/api/v1/connections', key, body: { connector: 'evolving_test', fields: {}, config: { flatten_depth: 9 } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'config.flatten_depth' });
  });

  it('a payload that gains a field and changes a type mid-sync syncs without failing, and the table evolves', async () => {
    // Page 1 fits the schema (plus `score`, inferred bigint); later pages add fields and change types.
    pages = [
      Array.from({ length: 30 }, (_, i) => issue(i + 1)),
      Array.from({ length: 30 }, (_, i) =>
        issue(i + 31, { priority: i % 2 === 0 ? 'high' : 'low', labels: [{ name: 'bug' }], score: i === 5 ? 2.5 : i + 31, closedAt: '2024-04-01T00:00:00Z' }),
      ),
      [issue(61, { number: 'N-61', priority: 'low' }), issue(62, { created_at: 'last tuesday' })],
    ];
    connectionId = await install(rt, key, 'evolving_test', { fields: {} });
    const run = await syncAndWait(rt, key, connectionId);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(countsOf(run, 'issues')).toMatchObject({ created: 62, failed: 0 });

    const shape = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/streams/issues/schema`, key });
    expect(shape.status).toBe(200);
    expect(shape.body).toMatchObject({ schema, table, exists: true });
    const columns = Object.fromEntries(shape.body.columns.map((c: { name: string; type: string; source: string; path: string[] }) => [c.name, c]));
    expect(columns['source_id']).toMatchObject({ type: 'bigint', source: 'schema', path: ['id'] });
    expect(columns['number']).toMatchObject({ type: 'bigint', source: 'schema' });
    expect(columns['created_at']).toMatchObject({ type: 'timestamptz', source: 'schema' });
    expect(columns['user__login']).toMatchObject({ type: 'text', source: 'schema', path: ['user', 'login'] });
    expect(columns['user__avatar_url']).toMatchObject({ type: 'text', source: 'data', path: ['user', 'avatarUrl'] });
    expect(columns['score']).toMatchObject({ type: 'numeric', source: 'data' });
    expect(columns['priority']).toMatchObject({ type: 'text', source: 'data' });
    expect(columns['labels']).toMatchObject({ type: 'jsonb', source: 'data' });
    expect(columns['closed_at']).toMatchObject({ type: 'timestamptz', source: 'data' });

    const changes = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/streams/issues/schema-changes?limit=100`, key });
    expect(changes.status).toBe(200);
    const list = changes.body.data as { kind: string; column: string | null; old_type: string | null; new_type: string | null; run_id: string; example_record_id: string | null }[];
    expect(list.filter((c) => c.kind === 'added').map((c) => c.column)).toEqual(
      expect.arrayContaining(['number', 'created_at', 'user__login', 'score', 'priority', 'labels', 'closed_at']),
    );
    expect(list).toContainEqual(expect.objectContaining({ kind: 'widened', column: 'score', old_type: 'bigint', new_type: 'numeric', example_record_id: '1036', run_id: run.id }));
    expect(list).toContainEqual(expect.objectContaining({ kind: 'variant', column: 'number', example_record_id: '1061' }));
    expect(list).toContainEqual(expect.objectContaining({ kind: 'variant', column: 'created_at', example_record_id: '1062' }));
    expect(changes.body.pagination).toMatchObject({ total: list.length, hasMore: false });
    const page = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/streams/issues/schema-changes?limit=2&offset=1`, key });
    expect(page.body.data.map((c: { seq: number }) => c.seq)).toEqual(list.slice(1, 3).map((c: any) => c.seq));
    expect(page.body.pagination).toMatchObject({ limit: 2, offset: 1, total: list.length, hasMore: true });

    // Plain SQL on the workspace's schema reads typed values.
    const rows = await queryRows<Record<string, unknown>>(
      rt.database.db,
      sql.raw(`select id, number, pg_typeof(number)::text as number_type, created_at, pg_typeof(created_at)::text as created_type, score::text as score,
                      pg_typeof(score)::text as score_type, priority, user__login, labels, source_id::text as source_id, _variants
               from ${schema}.${table} order by id`),
    );
    expect(rows).toHaveLength(62);
    const byId = new Map(rows.map((r) => [r['id'], r]));
    expect(byId.get('1001')).toMatchObject({ number_type: 'bigint', created_type: 'timestamp with time zone', score_type: 'numeric', score: '1', priority: null, user__login: 'user1', source_id: '1001', _variants: null });
    expect(Number(byId.get('1001')!['number'])).toBe(1);
    expect(new Date(byId.get('1001')!['created_at'] as string).toISOString()).toBe('2024-03-02T10:00:00.000Z');
    expect(byId.get('1036')).toMatchObject({ score: '2.5', priority: 'low' });
    expect(byId.get('1031')!['labels']).toEqual([{ name: 'bug' }]);
    // The misfits: NULL in the typed column, the original value in _variants (and in data, as always).
    expect(byId.get('1061')).toMatchObject({ number: null, _variants: { number: 'N-61' }, priority: 'low' });
    expect(byId.get('1062')).toMatchObject({ created_at: null, _variants: { created_at: 'last tuesday' } });

    // The change feed still serves the payload untouched.
    const feed = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/records/issues?limit=1000`, key });
    expect(feed.body.data.find((r: { id: string }) => r.id === '1061').data).toMatchObject({ number: 'N-61' });
  });

  it('a second run with the same data changes nothing about the shape', async () => {
    const before = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/streams/issues/schema-changes?limit=100`, key })).body.pagination.total;
    const run = await syncAndWait(rt, key, connectionId);
    expect(run.status).toBe('COMPLETED');
    expect(countsOf(run, 'issues')).toMatchObject({ created: 0, updated: 0, unchanged: 62 });
    const after = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}/streams/issues/schema-changes?limit=100`, key });
    // Variants seen again are recorded once per run; nothing is added or widened.
    const newer = after.body.data.slice(before);
    expect(newer.filter((c: { kind: string }) => c.kind !== 'variant')).toEqual([]);
  });

  it('a plain psql query on the workspace schema reads typed columns', async () => {
    if (kind !== 'postgres' || !existsSync('/usr/bin/psql')) return;
    const out = execFileSync('psql', [testDatabaseUrl!, '-XAt', '-F', '|', '-c', `select number + 1, created_at at time zone 'UTC', score * 2 from ${schema}.${table} where id = '1036'`], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('37|2024-03-09 10:00:00|5.0');
  });

  it('two connections sharing the table evolve it at the same time without racing', async () => {
    pages = [Array.from({ length: 60 }, (_, i) => issue(i + 1, { shared_a: i, shared_b: { deep: `v${i}` }, shared_c: i === 40 ? 'text now' : i }))];
    const other = await install(rt, key, 'evolving_test', { fields: {}, name: 'second' });
    const [a, b] = await Promise.all([syncAndWait(rt, key, connectionId, { full_refresh: true }), syncAndWait(rt, key, other, { full_refresh: true })]);
    expect([a.status, b.status]).toEqual(['COMPLETED', 'COMPLETED']);
    const list = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${other}/streams/issues/schema-changes?limit=100`, key })).body.data as { kind: string; column: string }[];
    for (const column of ['shared_a', 'shared_b__deep', 'shared_c']) expect(list.filter((c) => c.kind === 'added' && c.column === column)).toHaveLength(1);
    expect(list.filter((c) => c.kind === 'widened' && c.column === 'shared_c')).toHaveLength(1);
    const [row] = await queryRows<{ n: string | number }>(rt.database.db, sql.raw(`select count(*) as n from ${schema}.${table} where shared_b__deep = 'v7' and shared_c = '40' is not true`));
    expect(Number(row!.n)).toBe(2);
  });

  it('an existing table from before typed columns gets them, filled from the payload', async () => {
    const db = rt.database.db;
    const old = { schema, table: 'evolving_test_legacy' };
    await ensureRecordTable(db, old);
    const legacyConnection = connectionId;
    const records = [issue(1), issue(2, { number: 'x' })].map((r) => {
      const json = JSON.stringify(r);
      return { id: String(r['id']), json, hash: contentHash(json) };
    });
    await commitBatch(db, { table: old, connectionId: legacyConnection, records, runId: 'run_legacy', stream: 'issues', markSeen: false, rejected: 0, state: null, saveCursor: false });
    await TypedTable.open({ db, table: old, stream: StreamManifestSchema.parse(evolving.manifest.streams[0]), config: {}, connectionId: legacyConnection, runId: 'run_legacy', log: () => undefined });
    const rows = await queryRows<Record<string, unknown>>(db, sql.raw(`select id, number::text as number, created_at is not null as dated, user__login from ${schema}.evolving_test_legacy order by id`));
    expect(rows).toEqual([
      { id: '1001', number: '1', dated: true, user__login: 'user1' },
      { id: '1002', number: null, dated: true, user__login: 'user2' },
    ]);
  });
});
