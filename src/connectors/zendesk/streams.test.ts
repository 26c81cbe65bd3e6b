import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamState, SyncMode } from '../kit/index.js';
import { readAll, readerContext, type SimulatorHandle } from '../kit/sandbox/index.js';
import { manifest } from './manifest.js';
import { createZendeskSandbox, ZENDESK_SANDBOX_EMAIL } from './sandbox/index.js';
import { streams } from './streams.js';

/** The described streams against the sandbox over loopback HTTP: paging, export positions, deletions, resumes. */

type Stream = 'tickets' | 'users' | 'organizations';
const basic = (token: string) => `Basic ${Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${token}`).toString('base64')}`;

describe('zendesk streams against the sandbox', () => {
  let sandbox: SimulatorHandle;
  const read = (stream: Stream, mode: SyncMode, state: StreamState | null, options: { stopAfterStates?: number } = {}) =>
    readAll(streams[stream]!, readerContext({ manifest, stream, mode, state, baseUrl: sandbox.apiUrl, token: sandbox.token, authorization: basic(sandbox.token) }), options);
  const requests = (path: string) => Object.values(sandbox.stats().by_path[`/api/v2${path}`] ?? {}).reduce((a, b) => a + b, 0);
  const change = async (body: Record<string, unknown>) => {
    const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { created: string[]; updated: string[]; deleted: string[] };
  };

  beforeAll(async () => {
    // Past one page of 1000 in each export.
    sandbox = await createZendeskSandbox({ port: 0, records: 1005, seed: 11 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it.each(['tickets', 'users', 'organizations'] as const)('%s: a full read pages through the export once, every record once', async (stream) => {
    const path = stream === 'organizations' ? '/incremental/organizations' : `/incremental/${stream}/cursor`;
    const before = requests(path);
    const result = await read(stream, 'full_refresh', null);
    expect(new Set(result.records.map((r) => r['id'])).size).toBe(1005);
    expect(result.deletes).toEqual([]);
    // Two pages; the time-based export repeats the record at end_time once, which the reader drops.
    expect(requests(path) - before).toBe(2);
    expect(result.records).toHaveLength(1005);
  });

  it('tickets and users: the next read sends the last after_cursor and gets exactly the changes, deletions by flag', async () => {
    for (const stream of ['tickets', 'users'] as const) {
      const first = await read(stream, 'full_refresh', null);
      expect(first.state).toEqual({ token: expect.any(String) });
      expect((await read(stream, 'incremental', first.state)).records).toEqual([]);
      const done = await change({ stream, create: 2, update: 3, delete: 1 });
      const next = await read(stream, 'incremental', first.state);
      expect(next.records.map((r) => String(r['id'])).sort()).toEqual([...done.created, ...done.updated].sort());
      expect(next.deletes).toEqual(done.deleted);
    }
  });

  it('organizations: the cursor is the last updated_at; a deleted organization vanishes from the export', async () => {
    const first = await read('organizations', 'full_refresh', null);
    expect(first.state).toMatchObject({ cursor: expect.stringMatching(/^\d{4}-/) });
    expect((await read('organizations', 'incremental', first.state)).records).toEqual([]);
    const done = await change({ stream: 'organizations', create: 1, update: 2, delete: 1 });
    const next = await read('organizations', 'incremental', first.state);
    expect(next.records.map((r) => String(r['id'])).sort()).toEqual([...done.created, ...done.updated].sort());
    expect(next.deletes).toEqual([]);
  });

  it('a read stopped after its first page resumes from the saved position and misses nothing', async () => {
    const total = sandbox.info().counts['tickets']!;
    const cut = await read('tickets', 'full_refresh', null, { stopAfterStates: 1 });
    const rest = await read('tickets', 'full_refresh', cut.state);
    expect(new Set([...cut.records, ...rest.records].filter((r) => r['status'] !== 'deleted').map((r) => r['id'])).size).toBe(total);
  });

  it('a hand-set cursor in the future asks from a minute ago, which Zendesk accepts, and reads nothing', async () => {
    for (const stream of ['tickets', 'users', 'organizations'] as const) {
      const result = await read(stream, 'incremental', { cursor: '2999-01-01T00:00:00Z' });
      expect(result.records, stream).toEqual([]);
    }
  });

  it('refuses wrong credentials with Zendesk\'s words', async () => {
    const res = await fetch(`${sandbox.apiUrl}/incremental/tickets/cursor?start_time=0`, { headers: { authorization: basic('not-the-token') } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
  });
});
