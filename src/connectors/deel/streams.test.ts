import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, type StreamContext, type StreamState, type SyncMode } from '../kit/index.js';
import { readAll, readerContext } from '../kit/sandbox/index.js';
import { deel } from './index.js';
import { manifest } from './manifest.js';
import { createDeelSandbox, type DeelSandboxHandle } from './sandbox/index.js';
import { readContracts, readPeople } from './streams.js';

/** The stream readers against the sandbox over real HTTP on loopback. */

type Json = Record<string, unknown>;

/** The API sits under the sandbox's `/rest/v2`, beside its control endpoints. */
function context(sandbox: DeelSandboxHandle, stream: string, mode: SyncMode, state: StreamState | null, token = sandbox.token): StreamContext {
  return readerContext({ manifest, stream, mode, state, baseUrl: sandbox.apiUrl, token });
}

const ids = (records: Json[]) => records.map((r) => String(r['id'])).sort();

async function changes(sandbox: DeelSandboxHandle, body: Json): Promise<{ created: string[]; updated: string[]; deleted: string[]; at: string }> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { created: string[]; updated: string[]; deleted: string[]; at: string };
}

async function requests(sandbox: DeelSandboxHandle, path: string): Promise<number> {
  return Object.values(sandbox.stats().by_path[path] ?? {}).reduce((a, b) => a + b, 0);
}

describe('deel streams against the sandbox', () => {
  let sandbox: DeelSandboxHandle;

  beforeAll(async () => {
    sandbox = await createDeelSandbox({ port: 0, records: 230, seed: 5 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('the definition wires one reader per manifest stream', () => {
    expect(Object.keys(deel.streams).sort()).toEqual(manifest.streams.map((s) => s.name).sort());
  });

  it('people: a full read returns every person once, paging by offset, and ends with a cursor', async () => {
    const result = await readAll(readPeople, context(sandbox, 'people', 'full_refresh', null));
    expect(result.records).toHaveLength(230);
    expect(new Set(ids(result.records)).size).toBe(230);
    // 99 + 99 + 32: two checkpoints mid-walk, then the final cursor.
    expect(result.states.slice(0, 2).map((s) => (s['pass'] as Json)['offset'])).toEqual([99, 198]);
    const latest = result.records.map((r) => String(r['updated_at'])).sort().at(-1);
    expect(result.state).toEqual({ cursor: latest });
  });

  it('people: an incremental read keeps only people updated after the cursor, and advances it', async () => {
    const first = await readAll(readPeople, context(sandbox, 'people', 'full_refresh', null));
    const quiet = await readAll(readPeople, context(sandbox, 'people', 'incremental', first.state));
    expect(quiet.records).toEqual([]);
    expect(quiet.state).toEqual(first.state);

    const change = await changes(sandbox, { stream: 'people', create: 2, update: 3, delete: 1 });
    const next = await readAll(readPeople, context(sandbox, 'people', 'incremental', first.state));
    expect(ids(next.records)).toEqual([...change.created, ...change.updated].sort());
    expect(next.records.every((r) => r['updated_at'] === change.at)).toBe(true);
    expect(next.state).toEqual({ cursor: change.at });
    expect(ids(next.records)).not.toContain(change.deleted[0]);
  });

  it('people: a cursor set by hand far ahead reads nothing and stays put', async () => {
    const result = await readAll(readPeople, context(sandbox, 'people', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(result.records).toEqual([]);
    expect(result.state).toEqual({ cursor: '2999-01-01T00:00:00Z' });
  });

  it('people: a walk stopped after a page resumes at its offset without re-reading earlier pages', async () => {
    const full = await readAll(readPeople, context(sandbox, 'people', 'full_refresh', null));
    const cut = await readAll(readPeople, context(sandbox, 'people', 'incremental', { cursor: null }), { stopAfterStates: 1 });
    expect(cut.records).toHaveLength(99);
    expect(cut.state).toMatchObject({ cursor: null, pass: { offset: 99 } });
    const rest = await readAll(readPeople, context(sandbox, 'people', 'incremental', cut.state));
    expect(ids([...cut.records, ...rest.records])).toEqual(ids(full.records));
    expect(rest.state).toEqual(full.state);
  });

  it("people: the next cursor never passes the walk's start, so people updated behind the walk are read next time", async () => {
    // A walk that began (by the provider's Date) before a change, resumed after its first page: the change
    // landed on people behind it and ahead of it alike.
    const change = await changes(sandbox, { stream: 'people', update: 40 });
    const startedBefore = new Date(Date.parse(change.at) - 60_000).toISOString();
    const resumed = { cursor: null, pass: { offset: 99, started_at: startedBefore, max_seen: null } };
    const rest = await readAll(readPeople, context(sandbox, 'people', 'incremental', resumed));
    expect(rest.state).toEqual({ cursor: startedBefore });
    // The next read therefore finds every updated person, including those on the page the walk had passed.
    const next = await readAll(readPeople, context(sandbox, 'people', 'incremental', rest.state));
    expect(ids(next.records)).toEqual([...change.updated].sort());
  });

  it('contracts: a full read follows page.cursor to an empty page and returns every contract once', async () => {
    const before = await requests(sandbox, '/rest/v2/contracts');
    const result = await readAll(readContracts, context(sandbox, 'contracts', 'full_refresh', null));
    const expected = sandbox.info().counts.contracts;
    expect(result.records).toHaveLength(expected);
    expect(new Set(ids(result.records)).size).toBe(expected);
    expect(result.state).toEqual({});
    // ceil(n / 99) pages and the empty one that ends the walk.
    expect((await requests(sandbox, '/rest/v2/contracts')) - before).toBe(Math.ceil(expected / 99) + 1);
  });

  it('contracts: a walk resumed from its after_cursor checkpoint reads the rest, even after a deletion', async () => {
    const full = await readAll(readContracts, context(sandbox, 'contracts', 'full_refresh', null));
    const cut = await readAll(readContracts, context(sandbox, 'contracts', 'full_refresh', null), { stopAfterStates: 1 });
    expect(typeof cut.state!['after_cursor']).toBe('string');
    const change = await changes(sandbox, { stream: 'contracts', delete: 2 });
    const rest = await readAll(readContracts, context(sandbox, 'contracts', 'full_refresh', cut.state));
    const expected = ids(full.records).filter((id) => !change.deleted.includes(id));
    const got = ids([...cut.records, ...rest.records]).filter((id) => !change.deleted.includes(id));
    expect(got).toEqual(expected);
  });

  it('a refused token fails the read as a config error carrying Deel\'s words, never the token', async () => {
    const bad = 'deel_wrong_token_for_this_test_000';
    const error = await readAll(readPeople, context(sandbox, 'people', 'full_refresh', null, bad)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isHttpError(error)).toBe(true);
    if (!isHttpError(error)) return;
    expect(error.kind).toBe('config');
    expect(error.status).toBe(401);
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain(bad);
  });
});
