import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { crmEntityTypes, type CrmEntityType } from '../src/contracts/crm.js';
import { readOnlySafeRoutes } from '../src/api/refuse-read-only-writes.js';
import { ApiClient } from '../src/cli/api-client.js';
import { keysApiList, keysCreate } from '../src/cli/commands/api-key-commands.js';
import { narrowedKeyScope } from '../src/services/keys/key-scope.js';
import { databaseKinds } from './support/databases.js';
import { install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';

/**
 * Read-only and product-scoped API keys over REST (issue #15 items 2 and 5, #23 item 6 at the query level):
 * a read-only key is refused by every operation of the OpenAPI document that changes data and served by every read;
 * a key scoped to "alpha" sees and writes only alpha's CRM rows and connections — beta's and untagged ids are 404,
 * beta's rows never appear in a list, a create outside alpha is 403 — and cannot mint a broader key.
 */

const UNKNOWN = 'zz_not_a_resource';

const scopeConnector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'scope_test',
    name: 'Scope test',
    description: 'A connector without credentials whose one stream holds one record, for the key scope suite',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
  }),
  streams: {
    async *items(): AsyncGenerator<StreamMessage> {
      yield { type: 'records', records: [{ id: 'one', note: 'scope-record' }] };
    },
  },
};

type JsonSchema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  key: string;
  op: { 'x-read-only-keys'?: string; 'x-required-role'?: string; requestBody?: { content: Record<string, { schema: JsonSchema }> }; parameters?: { in: string; name: string; required?: boolean }[] };
}

/** Entities of one product (or untagged), by type. */
type Entities = Record<CrmEntityType, string>;

describe.each(databaseKinds)('key scopes on %s', (kind) => {
  let rt: TestRuntime;
  let owner: string;
  let readOnly: string;
  let alphaAdmin: string;
  let operations: Operation[];
  const conn = {} as { alpha: string; beta: string; untagged: string };
  const runs = {} as { alpha: string; beta: string; untagged: string };
  const crm = {} as { alpha: Entities; beta: Entities; untagged: Entities };

  const post = async (key: string, url: string, body: unknown) => rt.inject({ method: 'POST', url, key, body });

  async function entitiesOf(product: string | null): Promise<Entities> {
    const out = {} as Entities;
    const tag = product ?? 'untagged';
    const make = async (type: CrmEntityType, body: Record<string, unknown>) => {
      const res = await post(owner, `/api/v1/${type}`, { ...body, product });
      expect(res.status, `${type}: ${res.raw}`).toBe(201);
      out[type] = res.body.id;
    };
    await make('companies', { name: `${tag} company`, domain: `${tag}.example` });
    await make('contacts', { name: `${tag} person`, email: `person@${tag}.example`, company_id: out.companies });
    await make('deals', { name: `${tag} deal`, company_id: out.companies });
    await make('engagements', { name: `${tag} engagement`, company_id: out.companies });
    await make('invoices', { number: `${tag}-1`, company_id: out.companies });
    await make('activities', { activity_type: 'note', title: `${tag} activity`, company_id: out.companies });
    return out;
  }

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { connectors: [scopeConnector] });
    owner = rt.bootstrap!.apiKey;
    const ro = await post(owner, '/api/v1/api-keys', { name: 'auditor', role: 'owner', read_only: true });
    expect(ro.status, ro.raw).toBe(201);
    expect(ro.body).toMatchObject({ read_only: true, products: null, role: 'owner' });
    readOnly = ro.body.key;
    const scoped = await post(owner, '/api/v1/api-keys', { name: 'alpha admin', role: 'admin', products: ['alpha'] });
    expect(scoped.status, scoped.raw).toBe(201);
    expect(scoped.body).toMatchObject({ read_only: false, products: ['alpha'] });
    alphaAdmin = scoped.body.key;

    conn.alpha = await install(rt, owner, 'scope_test', { name: 'Alpha pipe', fields: {}, product: 'alpha' });
    conn.beta = await install(rt, owner, 'scope_test', { name: 'Beta pipe', fields: {}, product: 'beta' });
    conn.untagged = await install(rt, owner, 'scope_test', { name: 'Own pipe', fields: {} });
    for (const which of ['alpha', 'beta', 'untagged'] as const) {
      const run = await syncAndWait(rt, owner, conn[which], { full_refresh: true });
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      runs[which] = run.id;
    }
    crm.alpha = await entitiesOf('alpha');
    crm.beta = await entitiesOf('beta');
    crm.untagged = await entitiesOf(null);

    const doc = await rt.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    operations = Object.entries<Record<string, Operation['op']>>(doc.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}`, op })),
    );
  }, 180_000);
  afterAll(async () => rt?.stop());

  const fill = (path: string, value: (param: string) => string) => path.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(value(p)));
  const authenticated = () => operations.filter((o) => o.op['x-required-role'] !== undefined);
  /** A resource of `which` for a path parameter (connections, runs, CRM entities; the stream is the connector's). */
  const validBodies: Record<string, unknown> = {
    'PATCH /api/v1/connections/{id}/state': { cursor: null },
    'PUT /api/v1/connections/{id}/mappings': { mappings: null },
    'POST /api/v1/connections/{id}/variants': { config: {} },
  };
  function resourceOf(which: 'alpha' | 'beta' | 'untagged', path: string, param: string): string | undefined {
    if (param === 'stream') return 'items';
    if (path.startsWith('/api/v1/connections/{id}')) return conn[which];
    if (path.startsWith('/api/v1/runs/{id}')) return runs[which];
    for (const type of crmEntityTypes) if (path.startsWith(`/api/v1/${type}/{id}`)) return crm[which][type];
    return undefined;
  }

  describe('read-only keys', () => {
    it('the OpenAPI document states for every operation whether a read-only key may call it: reads and the listed probes only', () => {
      const ops = authenticated();
      expect(ops.length).toBeGreaterThan(50);
      for (const o of ops) {
        const allowed = o.method === 'GET' || readOnlySafeRoutes.has(`${o.method} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`);
        expect(o.op['x-read-only-keys'], o.key).toBe(allowed ? 'allowed' : 'refused');
      }
      // The allow-list names real routes (a renamed route would silently fall out of it otherwise).
      for (const route of readOnlySafeRoutes) expect(ops.map((o) => `${o.method} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`)).toContain(route);
    });

    it('is refused with 403 read_only_key by every operation that changes data, whatever it sends, and nothing changes', async () => {
      const failures: string[] = [];
      const refused = authenticated().filter((o) => o.op['x-read-only-keys'] === 'refused');
      expect(refused.length).toBeGreaterThan(25);
      for (const o of refused) {
        // Real resources where there are some: the refusal must come before anything is looked at or changed.
        const url = fill(o.path, (p) => resourceOf('alpha', o.path, p) ?? UNKNOWN);
        const res = await rt.inject({ method: o.method, url, key: readOnly, ...(o.op.requestBody ? { body: { not: 'even valid' } } : {}) });
        if (res.status !== 403 || res.body?.error?.code !== 'read_only_key') failures.push(`${o.key}: ${res.status} ${res.raw.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
      const still = await rt.inject({ method: 'GET', url: `/api/v1/companies/${crm.alpha.companies}`, key: owner });
      expect(still.status).toBe(200);
      const connection = await rt.inject({ method: 'GET', url: `/api/v1/connections/${conn.alpha}`, key: owner });
      expect(connection.body.name).toBe('Alpha pipe');
    }, 120_000);

    it('reads every GET operation, and may still probe credentials (nothing saved)', async () => {
      const failures: string[] = [];
      for (const o of authenticated().filter((x) => x.method === 'GET')) {
        const url = fill(o.path, (p) => resourceOf('alpha', o.path, p) ?? 'scope_test');
        const res = await rt.inject({ method: 'GET', url, key: readOnly });
        if (res.status !== 200) failures.push(`${o.key}: ${res.status} ${res.raw.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
      const probe = await post(readOnly, '/api/v1/connections/test', { connector: 'scope_test', fields: {} });
      expect(probe.status, probe.raw).toBe(200);
      const verify = await post(readOnly, '/api/v1/connectors/scope_test/verify', { fields: {} });
      expect(verify.status, verify.raw).toBe(200);
    }, 120_000);
  });

  describe('product-scoped keys', () => {
    it('CRM lists hold only the key\'s products: never another product\'s rows nor untagged ones, whatever the filter', async () => {
      for (const type of crmEntityTypes) {
        const list = await rt.inject({ method: 'GET', url: `/api/v1/${type}?limit=100`, key: alphaAdmin });
        expect(list.status, list.raw).toBe(200);
        const ids = list.body.data.map((r: { id: string }) => r.id);
        expect(ids, type).toContain(crm.alpha[type]);
        expect(ids, type).not.toContain(crm.beta[type]);
        expect(ids, type).not.toContain(crm.untagged[type]);
        expect(list.body.data.every((r: { product: string }) => r.product === 'alpha'), type).toBe(true);
        for (const query of ['product=beta', ...(type === 'companies' ? [] : [`company_id=${crm.beta.companies}`])]) {
          const filtered = await rt.inject({ method: 'GET', url: `/api/v1/${type}?${query}`, key: alphaAdmin });
          expect(filtered.status).toBe(200);
          expect(filtered.body.data, `${type}?${query}`).toEqual([]);
          expect(filtered.body.pagination.total).toBe(0);
        }
        // The owner, unscoped, sees all three.
        const all = await rt.inject({ method: 'GET', url: `/api/v1/${type}?limit=100`, key: owner });
        expect(all.body.data.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([crm.alpha[type], crm.beta[type], crm.untagged[type]]));
      }
    });

    it("every path naming another product's or an untagged resource is 404, and changes nothing", async () => {
      const failures: string[] = [];
      let tried = 0;
      for (const o of authenticated()) {
        const params = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
        if (params.length === 0 || params.some((p) => resourceOf('beta', o.path, p) === undefined)) continue;
        for (const which of ['beta', 'untagged'] as const) {
          const url = fill(o.path, (p) => resourceOf(which, o.path, p)!);
          // Valid bodies where a route needs one, so only the scope can stop them (and would change data if it did not).
          const body = o.op.requestBody ? (validBodies[`${o.method} ${o.path}`] ?? {}) : undefined;
          const res = await rt.inject({ method: o.method, url, key: alphaAdmin, ...(body === undefined ? {} : { body }) });
          tried++;
          if (res.status !== 404) failures.push(`${o.key} (${which}): ${res.status} ${res.raw.slice(0, 200)}`);
          for (const marker of ['Beta pipe', 'Own pipe', 'beta company', 'untagged company', 'scope-record']) {
            if (res.raw.includes(marker)) failures.push(`${o.key} (${which}): the answer holds "${marker}"`);
          }
        }
        // The same path on alpha's resource is not a 404 for a read (the check above can tell).
        if (o.method === 'GET') {
          const own = await rt.inject({ method: 'GET', url: fill(o.path, (p) => resourceOf('alpha', o.path, p)!), key: alphaAdmin });
          if (own.status !== 200) failures.push(`${o.key} (alpha): ${own.status} ${own.raw.slice(0, 200)}`);
        }
      }
      expect(tried).toBeGreaterThan(40);
      expect(failures).toEqual([]);
      for (const type of crmEntityTypes) expect((await rt.inject({ method: 'GET', url: `/api/v1/${type}/${crm.beta[type]}`, key: owner })).status).toBe(200);
      expect((await rt.inject({ method: 'GET', url: `/api/v1/connections/${conn.beta}`, key: owner })).body.name).toBe('Beta pipe');
    }, 180_000);

    it('connection lists, status and run-all cover only the key\'s products', async () => {
      for (const query of ['', '?include_all=1', '?product=beta', `?company_id=${crm.beta.companies}`]) {
        const list = await rt.inject({ method: 'GET', url: `/api/v1/connections${query}`, key: alphaAdmin });
        expect(list.status).toBe(200);
        expect(list.body.data.map((c: { id: string }) => c.id), query).toEqual(query === '' || query === '?include_all=1' ? [conn.alpha] : []);
      }
      const status = await rt.inject({ method: 'GET', url: '/api/v1/status', key: alphaAdmin });
      expect(status.status).toBe(200);
      expect(status.raw).toContain(conn.alpha);
      expect(status.raw).not.toContain(conn.beta);
      expect(status.raw).not.toContain(conn.untagged);
      const all = await post(alphaAdmin, '/api/v1/run-all', {});
      expect(all.status, all.raw).toBeLessThan(300);
      for (const runId of all.body.run_ids ?? []) {
        const run = await rt.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, key: owner });
        expect(run.body.connection_id).toBe(conn.alpha);
      }
    });

    it('creates only in its products: its only product by default, another product 403, a link to another product\'s company 400', async () => {
      const implicit = await post(alphaAdmin, '/api/v1/companies', { name: 'Implicit', domain: 'implicit.example' });
      expect(implicit.status, implicit.raw).toBe(201);
      expect(implicit.body.product).toBe('alpha');
      for (const type of crmEntityTypes) {
        const body = type === 'companies' ? { name: 'x' } : type === 'contacts' ? { name: 'x' } : type === 'activities' ? { activity_type: 'note' } : {};
        const outside = await post(alphaAdmin, `/api/v1/${type}`, { ...body, product: 'beta' });
        expect(outside.status, `${type}: ${outside.raw}`).toBe(403);
        expect(outside.body.error.code).toBe('forbidden');
      }
      const linked = await post(alphaAdmin, '/api/v1/deals', { name: 'sneaky', company_id: crm.beta.companies });
      expect(linked.status, linked.raw).toBe(400);
      expect(linked.raw).not.toContain('beta company');
      const move = await rt.inject({ method: 'PATCH', url: `/api/v1/deals/${crm.alpha.deals}`, key: alphaAdmin, body: { product: 'beta' } });
      expect(move.status, move.raw).toBe(403);
      const untag = await rt.inject({ method: 'PATCH', url: `/api/v1/deals/${crm.alpha.deals}`, key: alphaAdmin, body: { product: null } });
      expect(untag.status, untag.raw).toBe(403);
      const edit = await rt.inject({ method: 'PATCH', url: `/api/v1/deals/${crm.alpha.deals}`, key: alphaAdmin, body: { stage: 'won' } });
      expect(edit.status, edit.raw).toBe(200);

      const connOutside = await post(alphaAdmin, '/api/v1/connections', { connector: 'scope_test', fields: {}, product: 'beta' });
      expect(connOutside.status, connOutside.raw).toBe(403);
      const connImplicit = await post(alphaAdmin, '/api/v1/connections', { connector: 'scope_test', fields: {}, name: 'Alpha second' });
      expect(connImplicit.status, connImplicit.raw).toBe(201);
      const created = await rt.inject({ method: 'GET', url: `/api/v1/connections/${connImplicit.body.id}`, key: owner });
      expect(created.body.product).toBe('alpha');
      const moveConn = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${conn.alpha}`, key: alphaAdmin, body: { product: null } });
      expect(moveConn.status, moveConn.raw).toBe(403);
      // A client company of another product is no company to this key.
      const betaClient = await post(alphaAdmin, '/api/v1/connections', { connector: 'scope_test', fields: {}, company_id: crm.beta.companies });
      expect(betaClient.status, betaClient.raw).toBe(400);
      expect(betaClient.body.error.code).toBe('company_not_found');
      const relink = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${conn.alpha}`, key: alphaAdmin, body: { company_id: crm.beta.companies } });
      expect(relink.body.error?.code, relink.raw).toBe('company_not_found');
    });

    it('a key with several products must name one to create in', async () => {
      const two = await post(owner, '/api/v1/api-keys', { name: 'two', role: 'member', products: ['alpha', 'beta'] });
      expect(two.status, two.raw).toBe(201);
      const unnamed = await post(two.body.key, '/api/v1/companies', { name: 'Which one' });
      expect(unnamed.status, unnamed.raw).toBe(400);
      expect(unnamed.body.error.field).toBe('product');
      const named = await post(two.body.key, '/api/v1/companies', { name: 'This one', product: 'beta' });
      expect(named.status, named.raw).toBe(201);
    });
  });

  describe('minting keys', () => {
    it('a key never mints a broader one: no higher role, no wider products, inherits what it does not ask for', async () => {
      const everything = await post(alphaAdmin, '/api/v1/api-keys', { name: 'wider', role: 'viewer', products: null });
      expect(everything.status, everything.raw).toBe(403);
      const other = await post(alphaAdmin, '/api/v1/api-keys', { name: 'other', role: 'viewer', products: ['alpha', 'beta'] });
      expect(other.status, other.raw).toBe(403);
      expect(other.body.error.field).toBe('products');
      const higher = await post(alphaAdmin, '/api/v1/api-keys', { name: 'higher', role: 'owner' });
      expect(higher.status).toBe(403);
      const inherited = await post(alphaAdmin, '/api/v1/api-keys', { name: 'inherited', role: 'viewer', read_only: true });
      expect(inherited.status, inherited.raw).toBe(201);
      expect(inherited.body).toMatchObject({ role: 'viewer', read_only: true, products: ['alpha'] });
      const empty = await post(owner, '/api/v1/api-keys', { name: 'empty', role: 'viewer', products: [] });
      expect(empty.status).toBe(400);
      // A read-only key cannot create keys at all (a write), and its scope rule still holds below the API.
      const fromReadOnly = await post(readOnly, '/api/v1/api-keys', { name: 'x', role: 'viewer', read_only: true });
      expect(fromReadOnly.body.error.code).toBe('read_only_key');
      expect(() => narrowedKeyScope({ role: 'owner', readOnly: true, products: null }, { role: 'viewer', readOnly: false })).toThrow(/read-only/);
      expect(narrowedKeyScope({ role: 'owner', readOnly: true, products: null }, { role: 'viewer' })).toEqual({ role: 'viewer', readOnly: true, products: null });

      const listed = await rt.inject({ method: 'GET', url: '/api/v1/api-keys', key: owner });
      const byName = Object.fromEntries(listed.body.data.map((k: { name: string }) => [k.name, k]));
      expect(byName['auditor']).toMatchObject({ read_only: true, products: null });
      expect(byName['alpha admin']).toMatchObject({ read_only: false, products: ['alpha'] });
      expect(listed.raw).not.toContain(alphaAdmin);
    });

    it('`tributary keys create --read-only --product` and `keys api-keys` over HTTP', async () => {
      const address = await rt.app!.listen({ port: 0, host: '127.0.0.1' });
      const client = new ApiClient({ url: address, apiKey: owner });
      const out: string[] = [];
      const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
      expect(await keysCreate(client, 'cli key', { role: 'viewer', readOnly: true, product: ['alpha', 'gamma'] }, sink)).toBe(0);
      const key = out.join('').trim().split('\n').at(-1)!;
      expect(key).toMatch(/^trb_/);
      const seen = await rt.inject({ method: 'GET', url: '/api/v1/companies?limit=100', key });
      expect(seen.body.data.every((c: { product: string }) => c.product === 'alpha')).toBe(true);
      expect((await post(key, '/api/v1/companies', { name: 'no' })).body.error.code).toBe('read_only_key');
      out.length = 0;
      expect(await keysApiList(client, sink)).toBe(0);
      expect(out.join('')).toMatch(/cli key/);
      expect(out.join('')).toMatch(/read-only, products alpha, gamma/);
      expect(out.join('')).not.toContain(key);
    });
  });
});
