import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import { crmEntityTypes, type CrmEntityType } from '../src/contracts/crm.js';
import { roles, roleAtLeast, type Role } from '../src/contracts/roles.js';
import { databaseKinds } from './support/databases.js';
import { install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { testManifest } from './support/test-manifest.js';

/**
 * Every operation of the OpenAPI document, read from the running app (so a route added later is in it):
 * (a) the role matrix — no key, a wrong key and each role get 401 / 403 / through exactly as the operation's
 *     `x-required-role` says (the role is taken from the check that enforces it, src/api/hoist-role-check.ts);
 *     an operation without one must be in `publicOperations`, or this suite fails;
 * (b) isolation — workspace B's owner, against every path naming one of workspace A's resources, gets 404 and
 *     nothing of A's; every list B can read holds none of A's ids, also when filtered by one of them.
 */

/** Operations that take no API key, each for a stated reason. A new public route must be added here on purpose. */
const publicOperations: Record<string, string> = {
  'GET /health': 'liveness for load balancers',
  'GET /health/live': 'liveness probe: answers without touching the database',
  'GET /health/ready': 'readiness probe for load balancers and orchestrators',
  'GET /metrics': 'Prometheus scrape; installation-wide, guarded by TRIBUTARY_METRICS_TOKEN when set, never by a workspace key',
  'POST /api/v1/webhooks/{token}': 'the token in the URL is the credential',
  'GET /api/v1/cron': 'TRIBUTARY_CRON_SECRET is the credential',
  'GET /api/v1/oauth/callback': "a provider's redirect; the signed state is the credential",
};

const UNKNOWN = 'zz_not_a_resource';
const WRONG_KEY = 'trb_this_key_was_never_issued_0000000000000000';

interface Operation {
  method: string;
  path: string;
  key: string;
  op: {
    'x-required-role'?: Role;
    'x-installation-owner'?: boolean;
    security?: unknown[];
    parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
    requestBody?: { content: Record<string, { schema: JsonSchema }> };
  };
}

type JsonSchema = Record<string, any>;

/** A small value that a schema accepts: required properties only, first alternatives, lower bounds. */
function sample(schema: JsonSchema | undefined, refs: Record<string, string>, name = ''): unknown {
  if (!schema || Object.keys(schema).length === 0) return 'x';
  if (refs[name] !== undefined) return refs[name];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives)) return sample(alternatives.find((a: JsonSchema) => a['type'] !== 'null') ?? alternatives[0], refs, name);
  const type = Array.isArray(schema['type']) ? schema['type'].find((t: string) => t !== 'null') : schema['type'];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of (schema['required'] ?? []) as string[]) out[prop] = sample(schema['properties']?.[prop], refs, prop);
      return out;
    }
    case 'array':
      return Array.from({ length: schema['minItems'] ?? 0 }, () => sample(schema['items'], refs));
    case 'integer':
    case 'number':
      return Math.min(schema['maximum'] ?? Infinity, Math.max(schema['minimum'] ?? 1, 1));
    case 'boolean':
      return false;
    default:
      if (schema['format'] === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema['format'] === 'uri') return 'https://example.com/x';
      if (schema['format'] === 'email') return 'someone@example.com';
      return 'x'.repeat(Math.max(1, schema['minLength'] ?? 1));
  }
}

function bodyOf(operation: Operation, refs: Record<string, string>): unknown {
  const schema = operation.op.requestBody?.content['application/json']?.schema;
  return schema ? sample(schema, refs) : undefined;
}

function queryOf(operation: Operation): string {
  const required = (operation.op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
  const params = new URLSearchParams(required.map((p): [string, string] => [p.name, String(sample(p.schema, {}, p.name))]));
  return params.size > 0 ? `?${params}` : '';
}

const rowsOfA = [{ id: 'alpha-1', note: 'alpha-record-marker-one' }, { id: 'alpha-2', note: 'alpha-record-marker-two' }];

const matrixConnector: ConnectorDefinition = {
  manifest: testManifest({
    id: 'matrix_test',
    name: 'Matrix test',
    description: 'A connector without credentials whose one stream holds two records, for the access matrix',
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
  }),
  streams: {
    async *items(): AsyncGenerator<StreamMessage> {
      yield { type: 'records', records: rowsOfA };
    },
  },
};

describe.each(databaseKinds)('access matrix on %s', (kind) => {
  let rt: TestRuntime;
  let operations: Operation[];
  /** Keys of workspace A (the installation's first workspace) by role. */
  const keys = {} as Record<Role, string>;
  let ownerB: string;
  /** Workspace A's resources, which the paths point at. */
  const a = {} as { connection: string; variant: string; run: string; apiKey: string; entities: Record<CrmEntityType, string>; keyId: string };
  /** Strings that only workspace A's data contains: none may reach workspace B. */
  let markersOfA: string[];

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { connectors: [matrixConnector] });
    keys.owner = rt.bootstrap!.apiKey;
    for (const role of roles.filter((r) => r !== 'owner')) {
      const created = await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: keys.owner, body: { name: `alpha ${role}`, role } });
      expect(created.status, created.raw).toBe(201);
      keys[role] = created.body.key;
      if (role === 'viewer') a.apiKey = created.body.id;
    }
    ownerB = (await rt.workspace('owner')).apiKey;

    a.connection = await install(rt, keys.owner, 'matrix_test', { name: 'Alpha confidential pipeline', fields: {} });
    const variant = await rt.inject({ method: 'POST', url: `/api/v1/connections/${a.connection}/variants`, key: keys.owner, body: { name: 'Alpha confidential variant' } });
    expect(variant.status, variant.raw).toBe(201);
    a.variant = variant.body.id;
    const run = await syncAndWait(rt, keys.owner, a.connection, { full_refresh: true });
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    a.run = run.id;

    const entities = {} as Record<CrmEntityType, string>;
    const post = async (type: CrmEntityType, body: Record<string, unknown>) => {
      const res = await rt.inject({ method: 'POST', url: `/api/v1/${type}`, key: keys.owner, body });
      expect(res.status, `${type}: ${res.raw}`).toBe(201);
      entities[type] = res.body.id;
    };
    await post('companies', { name: 'Alpha Secret Holdings', domain: 'alpha-secret.example' });
    await post('contacts', { name: 'Alpha Secret Person', email: 'person@alpha-secret.example', company_id: entities.companies });
    await post('deals', { name: 'Alpha secret deal', company_id: entities.companies });
    await post('engagements', { name: 'Alpha secret engagement', company_id: entities.companies });
    await post('invoices', { number: 'ALPHA-SECRET-1', company_id: entities.companies });
    await post('activities', { activity_type: 'note', title: 'Alpha secret activity', company_id: entities.companies });
    expect(Object.keys(entities).sort()).toEqual([...crmEntityTypes].sort());
    a.entities = entities;
    const keyList = await rt.inject({ method: 'GET', url: '/api/v1/keys', key: keys.owner });
    expect(keyList.status, keyList.raw).toBe(200);
    a.keyId = keyList.body.active_key;

    markersOfA = [
      a.connection, a.variant, a.run, a.apiKey, ...Object.values(entities),
      'Alpha confidential', 'Alpha Secret', 'alpha-secret', 'Alpha secret', 'ALPHA-SECRET', 'alpha-record-marker', 'alpha ',
    ];

    const doc = await rt.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.status).toBe(200);
    operations = Object.entries<Record<string, Operation['op']>>(doc.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}`, op })),
    );
  }, 180_000);
  afterAll(async () => rt?.stop());

  /**
   * Workspace A's resource a path parameter names. A route with a parameter not known here fails the suite: give
   * it a resource of A so that isolation is tested for it too.
   */
  function resourceOfA(path: string, param: string): { value: string; scope: 'workspace' | 'catalog' | 'installation' } {
    if (param === 'stream') return { value: 'items', scope: 'workspace' };
    if (path.startsWith('/api/v1/connections/{id}')) return { value: a.connection, scope: 'workspace' };
    if (path.startsWith('/api/v1/runs/{id}')) return { value: a.run, scope: 'workspace' };
    if (path.startsWith('/api/v1/api-keys/{id}')) return { value: a.apiKey, scope: 'workspace' };
    if (path.startsWith('/api/v1/keys/{kid}')) return { value: a.keyId, scope: 'installation' };
    if (path.startsWith('/api/v1/connectors/{id}') || path.startsWith('/api/v1/oauth/{connector}')) return { value: 'matrix_test', scope: 'catalog' };
    for (const type of crmEntityTypes) if (path.startsWith(`/api/v1/${type}/{id}`)) return { value: a.entities[type], scope: 'workspace' };
    throw new Error(`${path}: no resource of workspace A is known for {${param}}; add one to resourceOfA`);
  }

  const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const fill = (path: string, value: (param: string) => string) => path.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(value(p)));
  const send = (operation: Operation, url: string, key: string | undefined, refs: Record<string, string> = {}) =>
    rt.inject({ method: operation.method, url, ...(key ? { key } : {}), ...(operation.op.requestBody ? { body: bodyOf(operation, refs) } : {}) });
  const protectedOperations = () => operations.filter((o) => publicOperations[o.key] === undefined);

  it('reads every operation from the OpenAPI document; each states its role or is listed as public', () => {
    expect(operations.length).toBeGreaterThan(50);
    const unstated = protectedOperations().filter((o) => o.op['x-required-role'] === undefined).map((o) => o.key);
    expect(unstated, 'operations without x-required-role (route registered without requireRole) that are not listed as public').toEqual([]);
    for (const o of protectedOperations()) {
      expect(roles, o.key).toContain(o.op['x-required-role']);
      expect(o.op.security, `${o.key} inherits the document's key requirement`).toBeUndefined();
    }
    for (const o of operations.filter((x) => publicOperations[x.key] !== undefined)) {
      expect(o.op['x-required-role'], o.key).toBeUndefined();
      expect(o.op.security, `${o.key} is documented as taking no API key`).toEqual([]);
    }
    // Every path parameter names something this suite knows of A (or the suite must be taught about it).
    for (const o of protectedOperations()) for (const p of pathParams(o.path)) resourceOfA(o.path, p);
  });

  it('(a) no key and a wrong key get 401, a role below the required one 403, every role at or above it gets through', async () => {
    const failures: string[] = [];
    for (const o of protectedOperations()) {
      const required = o.op['x-required-role']!;
      const installationOnly = o.op['x-installation-owner'] === true;
      // Reads go to A's real resources and must succeed; writes go to a resource that does not exist, so the
      // matrix changes nothing, and must pass the role check (then 404 or 400, never 401/403 or a 5xx).
      const isRead = o.method === 'GET';
      const url = fill(o.path, (p) => (isRead ? resourceOfA(o.path, p).value : UNKNOWN)) + (isRead ? queryOf(o) : '');
      const refs = { connection_id: UNKNOWN };
      for (const [label, key] of [['no key', undefined], ['wrong key', WRONG_KEY]] as const) {
        const res = await send(o, url, key, refs);
        if (res.status !== 401 || res.body?.error?.code !== 'unauthorized') failures.push(`${o.key} with ${label}: ${res.status} ${res.raw.slice(0, 200)}`);
      }
      for (const role of roles) {
        const res = await send(o, url, keys[role], refs);
        const allowed = roleAtLeast(role, required);
        if (!allowed) {
          if (res.status !== 403 || res.body?.error?.code !== 'forbidden') failures.push(`${o.key} as ${role} (needs ${required}): ${res.status} ${res.raw.slice(0, 200)}`);
        } else if (isRead ? res.status !== 200 : [401, 403].includes(res.status) || res.status >= 500) {
          failures.push(`${o.key} as ${role} (needs ${required}${installationOnly ? ', installation' : ''}): ${res.status} ${res.raw.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("(b) workspace B's owner gets 404 and nothing of A's on every path naming one of A's resources", async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const o of protectedOperations()) {
      const params = pathParams(o.path);
      if (params.length === 0) continue;
      const scopes = params.map((p) => resourceOfA(o.path, p).scope);
      if (scopes.includes('catalog')) continue; // the catalog is shared by every workspace
      const url = fill(o.path, (p) => resourceOfA(o.path, p).value) + queryOf(o);
      const refs = { connection_id: a.connection, company_id: a.entities.companies, contact_id: a.entities.contacts };
      const res = await send(o, url, ownerB, refs);
      tried++;
      // What the key ring is belongs to the whole installation: B's owner is refused it, not shown a 404.
      const expected = scopes.includes('installation') ? 403 : 404;
      if (res.status !== expected) failures.push(`${o.key}: ${res.status} ${res.raw.slice(0, 300)}`);
      const sent = `${url} ${JSON.stringify(bodyOf(o, refs) ?? '')}`;
      const leaked = markersOfA.filter((m) => res.raw.includes(m) && !sent.includes(m));
      if (leaked.length > 0) failures.push(`${o.key}: the answer holds A's ${leaked.join(', ')}`);
    }
    expect(tried).toBeGreaterThan(30);
    expect(failures).toEqual([]);
    // Nothing B tried changed A: the connection and its variant are still there, under their names.
    const still = await rt.inject({ method: 'GET', url: `/api/v1/connections/${a.connection}`, key: keys.viewer });
    expect(still.body).toMatchObject({ id: a.connection, name: 'Alpha confidential pipeline', has_credentials: false });
  }, 300_000);

  it("(b) every list B can read holds none of A's ids, also when filtered by one of them", async () => {
    const failures: string[] = [];
    const filterValues: Record<string, string> = { company_id: a.entities.companies, contact_id: a.entities.contacts, connection_id: a.connection, crew_id: 'crew_none' };
    for (const o of protectedOperations()) {
      if (o.method !== 'GET' || pathParams(o.path).length > 0) continue;
      const queries = [queryOf(o)];
      if ((o.op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'include_all')) queries.push('?include_all=1&limit=100');
      for (const p of o.op.parameters ?? []) if (p.in === 'query' && filterValues[p.name]) queries.push(`?${p.name}=${filterValues[p.name]}`);
      for (const query of queries) {
        const res = await rt.inject({ method: 'GET', url: `${o.path}${query}`, key: ownerB });
        const expected = o.op['x-installation-owner'] ? 403 : 200;
        if (res.status !== expected) failures.push(`${o.key}${query}: ${res.status} ${res.raw.slice(0, 200)}`);
        const leaked = markersOfA.filter((m) => res.raw.includes(m) && !query.includes(m));
        if (leaked.length > 0) failures.push(`${o.key}${query}: the list holds A's ${leaked.join(', ')}`);
        if (query.includes('_id=') && Array.isArray(res.body?.data) && res.body.data.length > 0) failures.push(`${o.key}${query}: a filter on A's id returned ${res.body.data.length} rows`);
      }
    }
    expect(failures).toEqual([]);
    // The same lists, read by A, do hold A's rows: the check above can see them when they are there.
    const own = await rt.inject({ method: 'GET', url: `/api/v1/connections?include_all=1&limit=100`, key: keys.viewer });
    expect(own.raw).toContain(a.connection);
    const contacts = await rt.inject({ method: 'GET', url: `/api/v1/contacts?company_id=${a.entities.companies}`, key: keys.viewer });
    expect(contacts.body.data.map((c: { id: string }) => c.id)).toEqual([a.entities.contacts]);
  }, 300_000);
});
