import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

describe.each(databaseKinds)('connections API on %s', (kind) => {
  let rt: TestRuntime;
  let owner: string;
  let viewer: string;
  let otherOwner: string;

  beforeAll(async () => {
    // GitHub Enterprise hosts are allowed by the operator on purpose (credentials go only to allowed hosts).
    rt = await startTestRuntime(kind, { worker: false, config: { allowedHosts: ['github=ghe.example.com'] } });
    owner = rt.bootstrap!.apiKey;
    const ws = rt.bootstrap!.workspaceId;
    // A viewer of the same workspace.
    const { insertApiKey } = await import('../src/db/queries/workspaces.js');
    const { hashToken } = await import('../src/core/api-key-hash.js');
    viewer = 'trb_viewer_key_for_tests_0000000000';
    await insertApiKey(rt.database.db, { id: 'key_viewer', workspaceId: ws, name: 'viewer', prefix: 'trb_view', hash: hashToken(viewer), role: 'viewer' });
    otherOwner = (await rt.workspace('owner')).apiKey;
  });
  afterAll(async () => rt?.stop());

  it('answers /health without a key and serves the OpenAPI 3.1 document', async () => {
    expect((await rt.inject({ method: 'GET', url: '/health' })).body).toEqual({ status: 'ok', database: 'ok' });
    const doc = await rt.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/connections', '/api/v1/connections/{id}/runs', '/api/v1/runs/{id}']));
    const docs = await rt.inject({ method: 'GET', url: '/docs/' });
    expect(docs.status).toBe(200);
    expect(docs.raw).toContain('swagger');
  });

  it('refuses requests without a valid key, with the error envelope', async () => {
    const none = await rt.inject({ method: 'GET', url: '/api/v1/connections' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const bad = await rt.inject({ method: 'GET', url: '/api/v1/connections', key: 'trb_nope' });
    expect(bad.status).toBe(401);
    const viaHeader = await rt.inject({ method: 'GET', url: '/api/v1/connections', headers: { 'x-api-key': owner } });
    expect(viaHeader.status).toBe(200);
  });

  it('lists the catalog and returns one full manifest', async () => {
    const list = await rt.inject({ method: 'GET', url: '/api/v1/connectors', key: viewer });
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain('github');
    expect(Object.keys(list.body.data[0])).toEqual(expect.arrayContaining(['id', 'name', 'description', 'category', 'auth_mode', 'brand_logo', 'brand_color']));
    const one = await rt.inject({ method: 'GET', url: '/api/v1/connectors/github', key: viewer });
    expect(one.body.streams.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['repositories', 'issues', 'pull_requests']));
    expect(one.body.fields.find((f: { key: string }) => f.key === 'token').secret).toBe(true);
    const missing = await rt.inject({ method: 'GET', url: '/api/v1/connectors/nope', key: viewer });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('connector_not_found');
  });

  it('creates, reads, lists, patches and deletes a connection without ever returning credentials', async () => {
    const secret = 'ghp_supersecret_value_123456789';
    const created = await rt.inject({
      method: 'POST',
      url: '/api/v1/connections',
      key: owner,
      // No provider to verify against here (an example host): saved unverified, so it is pending, not connected.
      body: { connector: 'github', name: 'Acme GitHub', fields: { token: secret }, config: { base_url: 'https://ghe.example.com/api/v3' }, product: 'studio', verify: false },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', next_step: '' });
    const id = created.body.id as string;
    expect(id).toMatch(/^conn_/);
    expect(created.raw).not.toContain(secret);

    const read = await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}`, key: viewer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, connector: 'github', name: 'Acme GitHub', has_credentials: true, product: 'studio', latest_run: null, recent_runs: [] });
    expect(read.raw).not.toContain(secret);

    const filtered = await rt.inject({ method: 'GET', url: '/api/v1/connections?product=studio', key: owner });
    expect(filtered.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(filtered.body.pagination).toMatchObject({ total: 1, hasMore: false });
    const none = await rt.inject({ method: 'GET', url: '/api/v1/connections?product=other', key: owner });
    expect(none.body.data).toEqual([]);
    // Scoping: the default list is the workspace's own connections (no product, no company); a product's or a
    // client's are asked for by name, or all of them with include_all=1.
    const own = await rt.inject({ method: 'GET', url: '/api/v1/connections?limit=100', key: owner });
    expect(own.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
    expect(own.body.data.every((c: { product: string | null; company_id: string | null }) => c.product === null && c.company_id === null)).toBe(true);
    const everything = await rt.inject({ method: 'GET', url: '/api/v1/connections?include_all=1&limit=100', key: owner });
    expect(everything.body.data.map((c: { id: string }) => c.id)).toContain(id);
    expect(everything.body.pagination.total).toBe(own.body.pagination.total + 1);
    // The total comes with the page; a page past the end still reports it.
    const pastEnd = await rt.inject({ method: 'GET', url: `/api/v1/connections?include_all=1&limit=1&offset=${everything.body.pagination.total + 5}`, key: owner });
    expect(pastEnd.body.data).toEqual([]);
    expect(pastEnd.body.pagination.total).toBe(everything.body.pagination.total);
    const firstOfTwo = await rt.inject({ method: 'GET', url: '/api/v1/connections?include_all=1&limit=1', key: owner });
    expect(firstOfTwo.body.data).toHaveLength(1);
    expect(firstOfTwo.body.pagination.total).toBe(everything.body.pagination.total);
    const blocked = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', fields: { token: secret }, config: { base_url: 'http://169.254.169.254/latest' } } });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error).toMatchObject({ code: 'host_not_allowed', field: 'config.base_url' });

    const patched = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: owner, body: { name: 'Renamed', config: { repositories: 'a/b' } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', config: { base_url: 'https://ghe.example.com/api/v3', repositories: 'a/b' } });

    const forbidden = await rt.inject({ method: 'DELETE', url: `/api/v1/connections/${id}`, key: viewer });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const deleted = await rt.inject({ method: 'DELETE', url: `/api/v1/connections/${id}`, key: owner });
    expect(deleted.body).toEqual({ id, deleted: true });
    expect((await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}`, key: owner })).status).toBe(404);
  });

  it('names the bad field and writes nothing on bad input', async () => {
    const before = (await rt.inject({ method: 'GET', url: '/api/v1/connections', key: owner })).body.pagination.total;
    const cases: [unknown, string][] = [
      [{ connector: 'github', fields: {} }, 'fields.token'],
      [{ connector: 'github', fields: { token: 'x', nope: 'y' } }, 'fields.nope'],
      [{ connector: 'github', fields: { token: 'x' }, config: { base_url: 'not a url' } }, 'config.base_url'],
      [{ connector: 'github', fields: { token: 'x' }, config: { colour: 'red' } }, 'config.colour'],
      [{ connector: 'nope', fields: {} }, 'connector'],
      [{ fields: {} }, 'connector'],
      [{ connector: 'github', name: '', fields: { token: 'x' } }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.field).toBe(field);
    }
    const viewerTry = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: viewer, body: { connector: 'github', fields: { token: 'x' } } });
    expect(viewerTry.status).toBe(403);
    const after = (await rt.inject({ method: 'GET', url: '/api/v1/connections', key: owner })).body.pagination.total;
    expect(after).toBe(before);
  });

  it("hides another workspace's connections and runs behind a 404", async () => {
    const created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', fields: { token: 'ghp_x' }, verify: false } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const [method, url] of [
      ['GET', `/api/v1/connections/${id}`],
      ['PATCH', `/api/v1/connections/${id}`],
      ['DELETE', `/api/v1/connections/${id}`],
      ['GET', `/api/v1/connections/${id}/runs`],
      ['POST', `/api/v1/connections/${id}/runs`],
      ['GET', `/api/v1/connections/${id}/state`],
      ['GET', `/api/v1/connections/${id}/records/issues`],
    ] as const) {
      const res = await rt.inject({ method, url, key: otherOwner, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.code).toBe('connection_not_found');
    }
    const list = await rt.inject({ method: 'GET', url: '/api/v1/connections', key: otherOwner });
    expect(list.body.data).toEqual([]);
  });

  it('says "not yet" for what is not built, instead of pretending', async () => {
    const res = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', fields: { token: 'x' }, crew_id: 'crew_1' } });
    expect(res.status).toBe(501);
    expect(res.body.error.code).toBe('not_implemented');
  });
});
