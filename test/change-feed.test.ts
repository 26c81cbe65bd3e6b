import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { databaseKinds } from './support/databases.js';
import { allRows } from './support/record-rows.js';
import { install, startRun } from './support/run-helpers.js';
import { sandboxChanges } from './support/sandbox-control.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

const TOKEN = 'ghp_change_feed_token_0123456789abcdef';

interface FeedRow {
  id: string;
  data: { updated_at: string; title: string };
  first_seen_at: string;
  updated_at: string;
  deleted_at: string | null;
  change: 'added' | 'updated' | 'deleted';
}

/**
 * The change feed (`GET /connections/:id/records/:stream`): a client that follows the cursor while syncs write —
 * its own connection's runs and another connection's runs into the same table at the same time — sees every row's
 * latest change exactly once, and ends holding exactly what the table holds.
 */
describe.each(databaseKinds)('change feed on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let feedId: string;
  let otherId: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 600, seed: 23, token: TOKEN });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
    const input = { fields: { token: TOKEN }, config: { base_url: sandbox.url } };
    feedId = await install(rt, key, 'github', { name: 'followed', ...input });
    otherId = await install(rt, key, 'github', { name: 'same table, other connection', ...input });
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const page = async (query: string) => {
    const res = await rt.inject({ method: 'GET', url: `/api/v1/connections/${feedId}/records/issues?${query}`, key });
    expect(res.status, res.raw).toBe(200);
    return res.body as { data: FeedRow[]; next_cursor: string | null; has_more: boolean };
  };

  it('refuses a bad filter, a cursor it did not issue and a limit above 1,000', async () => {
    const call = (query: string) => rt.inject({ method: 'GET', url: `/api/v1/connections/${feedId}/records/issues?${query}`, key });
    const badFilter = await call('filter=added,removed');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.code).toBe('validation_failed');
    expect(badFilter.body.error.message).toMatch(/removed/);
    const badCursor = await call(`cursor=${Buffer.from('{"after":"x"}').toString('base64url')}`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    expect((await call('limit=1001')).status).toBe(400);
  });

  it('a stream that never synced has an empty feed', async () => {
    const res = await rt.inject({ method: 'GET', url: `/api/v1/connections/${feedId}/records/pull_requests`, key });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null, has_more: false });
    const unknown = await rt.inject({ method: 'GET', url: `/api/v1/connections/${feedId}/records/nope`, key });
    expect(unknown.status).toBe(404);
  });

  it('a client following the cursor during concurrent syncs sees each change once and ends with the table', async () => {
    const known = new Map<string, FeedRow>();
    const versions = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    const drain = async () => {
      for (;;) {
        const body = await page(`limit=97&filter=added,updated,deleted${cursor ? `&cursor=${cursor}` : ''}`);
        pages++;
        for (const row of body.data) {
          // A version of a row (its id at one write time) arrives once; a later write may bring the row back.
          const version = `${row.id}@${row.updated_at}`;
          expect(versions.has(version), `version ${version} returned twice`).toBe(false);
          versions.add(version);
          const before = known.get(row.id);
          if (before) expect(Date.parse(row.updated_at), `row ${row.id} went back in time`).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
          known.set(row.id, row);
        }
        cursor = body.next_cursor;
        if (!body.has_more) return;
      }
    };

    // Rounds of writes into the same table from two connections at once, the reader polling throughout.
    let writing = true;
    const reader = (async () => {
      while (writing) {
        await drain();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      for (const [round, body] of [{ full_refresh: true }, {}, {}, { full_refresh: true }].entries()) {
        if (round > 0) await sandboxChanges(sandbox.url, { stream: 'issues', create: 25, update: 40, delete: 10 });
        const [a, b] = await Promise.all([startRun(rt, key, feedId, body), startRun(rt, key, otherId, body)]);
        const runs = await Promise.all([waitForRun(rt, key, a.run.id), waitForRun(rt, key, b.run.id)]);
        for (const run of runs) expect(run.status, run.error ?? '').toBe('COMPLETED');
      }
    } finally {
      writing = false;
      await reader;
    }
    await drain();
    expect(pages).toBeGreaterThan(5);

    // The client's picture is the table, row for row: no change missed, none invented.
    const table = new Map<string, { updated_at: string; deleted: boolean; title: unknown; change: string }>();
    for await (const row of allRows(rt, feedId, 'issues', true)) {
      table.set(row.id, { updated_at: row.updated_at.toISOString(), deleted: row.deleted_at !== null, title: row.data['title'], change: row.change });
    }
    expect(known.size).toBe(table.size);
    for (const [id, row] of table) {
      const seen = known.get(id);
      expect(seen, `row ${id} never reached the client`).toBeDefined();
      expect({ updated_at: seen!.updated_at, deleted: seen!.deleted_at !== null, title: seen!.data.title, change: seen!.change }, id).toEqual(row);
    }
    // Three rounds of 10 deletions; GitHub issues just vanish, so the last full refresh finds all 30.
    expect([...known.values()].filter((r) => r.change === 'deleted').length).toBe(30);
    expect(sandbox.info().counts.issues).toBe([...table.values()].filter((r) => !r.deleted).length);

    // Nothing changed since: the same cursor yields nothing, and keeps doing so.
    const idle = await page(`filter=added,updated,deleted&cursor=${cursor}`);
    expect(idle).toMatchObject({ data: [], has_more: false, next_cursor: cursor });
  }, 240_000);

  it('filters by change: added, updated, deleted, and modified_after', async () => {
    const all = async (query: string) => {
      const rows: FeedRow[] = [];
      let cursor: string | null = null;
      for (;;) {
        const body = await page(`limit=1000&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        rows.push(...body.data);
        cursor = body.next_cursor;
        if (!body.has_more) return rows;
      }
    };
    const deleted = await all('filter=deleted');
    expect(deleted.length).toBe(30);
    expect(deleted.every((r) => r.change === 'deleted' && r.deleted_at !== null)).toBe(true);
    const added = await all('filter=added');
    const updated = await all('filter=updated');
    expect(added.every((r) => r.change === 'added' && r.first_seen_at === r.updated_at)).toBe(true);
    expect(updated.every((r) => r.change === 'updated' && r.deleted_at === null)).toBe(true);
    expect(updated.length).toBeGreaterThan(0);
    const live = await all('');
    expect(live.length).toBe(added.length + updated.length);
    expect(live.length).toBe(sandbox.info().counts.issues);
    const cutoff = updated.map((r) => r.updated_at).sort()[0]!;
    const recent = await all(`filter=updated&modified_after=${encodeURIComponent(cutoff)}`);
    expect(recent.length).toBeLessThan(updated.length + 1);
    // The API prints milliseconds; the database keeps microseconds, so a row just after the cutoff may print equal.
    expect(recent.every((r) => r.updated_at >= cutoff)).toBe(true);
  });
});
