import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from './support/databases.js';
import { install } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * A connection's company_id names a company of the caller's own workspace: create, update, OAuth install and
 * OAuth authorize all refuse another workspace's company (and one that does not exist) alike, with
 * `company_not_found` on the field, and write nothing.
 */
describe.each(databaseKinds)('connection company_id on %s', (kind) => {
  let rt: TestRuntime;
  let ownerA: string;
  let ownerB: string;
  let companyA: string;
  let companyB: string;

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false, config: { allowedHosts: ['github=ghe.example.com'] } });
    ownerA = rt.bootstrap!.apiKey;
    ownerB = (await rt.workspace('owner')).apiKey;
    const company = async (key: string, domain: string) => {
      const res = await rt.inject({ method: 'POST', url: '/api/v1/companies', key, body: { name: domain, domain } });
      expect(res.status, res.raw).toBe(201);
      return res.body.id as string;
    };
    companyA = await company(ownerA, 'client-a.example');
    companyB = await company(ownerB, 'client-b.example');
  });
  afterAll(async () => rt?.stop());

  const github = { connector: 'github', fields: { token: 'ghp_company_tests_token_000' }, config: { base_url: 'https://ghe.example.com/api/v3' }, verify: false };
  const total = async (key: string) => (await rt.inject({ method: 'GET', url: '/api/v1/connections?include_all=1', key })).body.pagination.total as number;
  const expectRefused = (res: { status: number; body: any; raw: string }, id: string) => {
    expect(res.status, res.raw).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'company_not_found', field: 'company_id' });
    expect(res.body.error.message).toContain(id);
  };

  it("accepts the workspace's own company and refuses another workspace's exactly like one that does not exist", async () => {
    const own = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: ownerB, body: { ...github, company_id: companyB } });
    expect(own.status, own.raw).toBe(201);
    expect(own.body.connection.company_id).toBe(companyB);

    const before = await total(ownerB);
    const foreign = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: ownerB, body: { ...github, company_id: companyA } });
    expectRefused(foreign, companyA);
    const missing = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: ownerB, body: { ...github, company_id: 'co_never_existed' } });
    expectRefused(missing, 'co_never_existed');
    // Same answer either way but for the id echoed back: nothing tells B that A's company exists.
    expect(foreign.body.error.message.replace(companyA, '…')).toBe(missing.body.error.message.replace('co_never_existed', '…'));
    expect(await total(ownerB)).toBe(before);
  });

  it('PATCH refuses a foreign company and leaves the connection as it was; null and an own company are fine', async () => {
    const id = await install(rt, ownerB, 'github', { ...github, name: 'patched' });
    const refused = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: ownerB, body: { name: 'renamed', company_id: companyA } });
    expectRefused(refused, companyA);
    const after = await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}`, key: ownerB });
    expect(after.body).toMatchObject({ name: 'patched', company_id: null });
    const set = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: ownerB, body: { company_id: companyB } });
    expect(set.status, set.raw).toBe(200);
    expect(set.body.company_id).toBe(companyB);
    // A variant inherits its base's (checked) company.
    const variant = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/variants`, key: ownerB, body: {} });
    expect(variant.status, variant.raw).toBe(201);
    expect(variant.body.company_id).toBe(companyB);
    const cleared = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: ownerB, body: { company_id: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.company_id).toBeNull();
  });

  it('a company deleted after it was attached does not block other changes; attaching it anew is refused', async () => {
    const doomed = (await rt.inject({ method: 'POST', url: '/api/v1/companies', key: ownerB, body: { name: 'Doomed', domain: 'doomed-b.example' } })).body.id as string;
    const id = await install(rt, ownerB, 'github', { ...github, name: 'kept', company_id: doomed });
    expect((await rt.inject({ method: 'DELETE', url: `/api/v1/companies/${doomed}`, key: ownerB })).status).toBe(200);
    const resent = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: ownerB, body: { name: 'kept and renamed', company_id: doomed } });
    expect(resent.status, resent.raw).toBe(200);
    const other = await install(rt, ownerB, 'github', { ...github, name: 'other' });
    expectRefused(await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${other}`, key: ownerB, body: { company_id: doomed } }), doomed);
  });

  it('OAuth installs and authorizations refuse a foreign company before creating anything', async () => {
    const before = await total(ownerB);
    expectRefused(await rt.inject({ method: 'POST', url: '/api/v1/connections', key: ownerB, body: { connector: 'slack', fields: {}, company_id: companyA } }), companyA);
    expectRefused(await rt.inject({ method: 'POST', url: '/api/v1/oauth/slack/authorize', key: ownerB, body: { company_id: companyA } }), companyA);
    expect(await total(ownerB)).toBe(before);
  });

  it("a list filtered by another workspace's company returns nothing", async () => {
    await install(rt, ownerA, 'github', { ...github, name: 'A for its client', company_id: companyA });
    const mine = await rt.inject({ method: 'GET', url: `/api/v1/connections?company_id=${companyA}`, key: ownerA });
    expect(mine.body.data).toHaveLength(1);
    const theirs = await rt.inject({ method: 'GET', url: `/api/v1/connections?company_id=${companyA}`, key: ownerB });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ data: [], pagination: { total: 0 } });
  });
});
