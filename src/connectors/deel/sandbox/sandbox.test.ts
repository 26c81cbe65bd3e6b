import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSchema, personSchema } from '../schemas.js';
import { createDeelSandbox, DEEL_SANDBOX_CLIENT_ID, DEEL_SANDBOX_CLIENT_SECRET, type DeelSandboxHandle } from './index.js';

/** The simulator's Deel behaviour over HTTP: auth, errors, paging, filters, changes, rate limit, OAuth. */

type Json = Record<string, unknown>;

async function get(sandbox: DeelSandboxHandle, path: string, token: string | null = sandbox.token): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${sandbox.apiUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

const data = (body: Json) => body['data'] as Json[];
const page = (body: Json) => body['page'] as Json;

async function control(sandbox: DeelSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok, await res.clone().text()).toBe(true);
  return (await res.json()) as Json;
}

function validators() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const addFormats = ((ajvFormats as { default?: unknown }).default ?? ajvFormats) as unknown as (a: Ajv2020) => void;
  addFormats(ajv);
  return { person: ajv.compile(personSchema), contract: ajv.compile(contractSchema) };
}

describe('deel sandbox', () => {
  let sandbox: DeelSandboxHandle;

  beforeAll(async () => {
    sandbox = await createDeelSandbox({ port: 0, records: 120, seed: 3 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('refuses a missing or wrong token with 401 and Deel\'s error container', async () => {
    for (const token of [null, 'not-a-deel-token']) {
      const res = await get(sandbox, '/people', token);
      expect(res.status).toBe(401);
      expect(res.body['errors']).toEqual([{ message: 'Unauthorized' }]);
      expect(res.body['request']).toMatchObject({ method: 'GET', url: '/rest/v2/people', status: 401 });
      expect(typeof (res.body['request'] as Json)['api_req_id']).toBe('string');
    }
  });

  it('answers unknown paths with 404 "path not found" and bad parameters with 400 naming the parameter', async () => {
    expect((await get(sandbox, '/employees')).body).toMatchObject({ errors: [{ message: 'path not found' }] });
    const badLimit = await get(sandbox, '/people?limit=500');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body['errors']).toEqual([expect.objectContaining({ path: 'limit' })]);
    expect((await get(sandbox, '/contracts?limit=ten')).status).toBe(400);
    expect((await get(sandbox, '/contracts?after_cursor=garbage')).body['errors']).toEqual([{ message: 'Invalid cursor', path: 'after_cursor' }]);
    expect((await get(sandbox, '/people?sort_by=updated_at')).status).toBe(400);
  });

  it('pages people by offset with { offset, total_rows, items_per_page }, records valid against the schema', async () => {
    const check = validators();
    const first = await get(sandbox, '/people?offset=0&limit=50&sort_by=id&sort_order=asc');
    expect(first.status).toBe(200);
    expect(page(first.body)).toEqual({ offset: 0, total_rows: 120, items_per_page: 50 });
    const all: Json[] = [...data(first.body)];
    for (const offset of [50, 100]) all.push(...data((await get(sandbox, `/people?offset=${offset}&limit=50&sort_by=id&sort_order=asc`)).body));
    expect(all).toHaveLength(120);
    const personIds = all.map((p) => String(p['id']));
    expect(personIds).toEqual([...personIds].sort());
    for (const person of all) expect(check.person(person), JSON.stringify(check.person.errors)).toBe(true);
    expect(data((await get(sandbox, '/people?offset=120&limit=50')).body)).toEqual([]);
  });

  it('filters people by hiring status and search term', async () => {
    const active = data((await get(sandbox, '/people?limit=200&hiring_statuses=active')).body);
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((p) => p['hiring_status'] === 'active')).toBe(true);
    const someone = active[0]!;
    const found = data((await get(sandbox, `/people?limit=200&search=${encodeURIComponent(String(someone['full_name']))}`)).body);
    expect(found.map((p) => p['id'])).toContain(someone['id']);
  });

  it('pages contracts by cursor: page.cursor leads on, an empty page ends, records valid against the schema', async () => {
    const check = validators();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await get(sandbox, `/contracts?limit=40${cursor ? `&after_cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages++;
      expect(page(res.body)['total_rows']).toBe(120);
      if (data(res.body).length === 0) break;
      for (const c of data(res.body)) {
        expect(check.contract(c), JSON.stringify(check.contract.errors)).toBe(true);
        seen.push(String(c['id']));
      }
      cursor = String(page(res.body)['cursor']);
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(120);
    // Newest first by default: created_at never increases along the list.
    const all = data((await get(sandbox, '/contracts?limit=99')).body).map((c) => Date.parse(String(c['created_at'])));
    expect(all).toEqual([...all].sort((a, b) => b - a));
    // At most 99 a page, as Deel's pagination guide says.
    expect(data((await get(sandbox, '/contracts?limit=500')).body)).toHaveLength(99);
  });

  it('reports changes as Deel does: updated people get a new updated_at, deleted ones vanish, new hires bring a contract', async () => {
    const before = sandbox.info().counts;
    const change = (await control(sandbox, 'changes', { stream: 'people', create: 2, update: 3, delete: 1 })) as { created: string[]; updated: string[]; deleted: string[]; at: string };
    expect(sandbox.info().counts).toEqual({ people: before.people + 1, contracts: before.contracts + 2 });
    const people = data((await get(sandbox, '/people?limit=200')).body);
    const byId = new Map(people.map((p) => [String(p['id']), p]));
    for (const id of [...change.created, ...change.updated]) expect(byId.get(id)?.['updated_at']).toBe(change.at);
    expect(byId.has(change.deleted[0]!)).toBe(false);
    expect((await get(sandbox, `/people/${change.deleted[0]}`)).status).toBe(404);
    const hired = byId.get(change.created[0]!)!;
    const contractId = ((hired['employments'] as Json[])[0]!)['id'];
    const contract = await get(sandbox, `/contracts/${String(contractId)}`);
    expect(contract.status).toBe(200);
    expect(((contract.body['data'] as Json)['worker'] as Json)['id']).toBe(hired['id']);
    // The same seed gives the same organization; another seed another one.
    const twin = await createDeelSandbox({ port: 0, records: 120, seed: 3 });
    const other = await createDeelSandbox({ port: 0, records: 120, seed: 4 });
    try {
      const first = (s: DeelSandboxHandle) => get(s, '/people?limit=1&sort_by=id').then((r) => data(r.body)[0]);
      expect(await first(twin)).toEqual(await first(twin));
      expect((await first(twin))!['id']).not.toBe((await first(other))!['id']);
    } finally {
      await twin.close();
      await other.close();
    }
  });

  it('contract changes move a contract\'s status on and add contracts without a worker yet', async () => {
    const change = (await control(sandbox, 'changes', { stream: 'contracts', create: 1, update: 1 })) as { created: string[]; updated: string[] };
    const created = (await get(sandbox, `/contracts/${change.created[0]}`)).body['data'] as Json;
    expect(created).toMatchObject({ worker: null, status: 'new' });
    expect(((await get(sandbox, `/contracts/${change.updated[0]}`)).body['data'] as Json)['status']).toBeTypeOf('string');
    const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'invoices', update: 1 }) });
    expect(res.status).toBe(400);
  });

  it('sends no rate-limit headers, and with the limit enforced refuses a sixth request in a second with Deel\'s 429 body', async () => {
    const ok = await get(sandbox, '/people?limit=1');
    expect([...ok.headers.keys()].filter((h) => h.includes('ratelimit') || h === 'retry-after')).toEqual([]);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const strict = await createDeelSandbox({ port: 0, records: 10, seed: 1, enforceRateLimit: true, nowMs: () => now });
    try {
      const statuses = await Promise.all(Array.from({ length: 7 }, () => get(strict, '/people?limit=1')));
      const limited = statuses.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(2);
      expect(limited[0]!.body).toEqual({ error: 'Rate limit exceeded', status: 429, message: 'Too many requests. Please wait before retrying.' });
      expect((await get(strict, '/people?limit=1')).status).toBe(429);
      now += 1000;
      expect((await get(strict, '/people?limit=1')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('renders injected faults in Deel\'s shapes', async () => {
    await control(sandbox, 'faults', { kind: 'rate_limit', count: 1 });
    const limited = await get(sandbox, '/people?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'Rate limit exceeded', status: 429 });
    await control(sandbox, 'faults', { kind: 'server_error', count: 1, status: 500 });
    const failed = await get(sandbox, '/contracts');
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ errors: [{ message: 'Internal Server Error' }], request: { status: 500 } });
  });

  it('runs Deel\'s OAuth: authorize redirects with a code, the token endpoint takes Basic client auth and rotates refresh tokens', async () => {
    const redirect = 'https://tributary.example/api/v1/oauth/callback';
    const authorize = new URL(sandbox.oauth!.authorization_url);
    authorize.search = new URLSearchParams({ client_id: DEEL_SANDBOX_CLIENT_ID, redirect_uri: redirect, scope: 'people:read contracts:read', response_type: 'code', state: 's1' }).toString();
    const consent = await fetch(authorize, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    const basic = `Basic ${Buffer.from(`${DEEL_SANDBOX_CLIENT_ID}:${DEEL_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
    const token = async (params: Record<string, string>) => {
      const res = await fetch(sandbox.oauth!.token_url, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const issued = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirect });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 2_592_000, scope: 'people:read contracts:read' });
    expect((await get(sandbox, '/people?limit=1', String(issued.body['access_token']))).status).toBe(200);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(issued.body['refresh_token']), redirect_uri: redirect });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).not.toBe(issued.body['refresh_token']);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: String(issued.body['refresh_token']), redirect_uri: redirect });
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
  });
});
