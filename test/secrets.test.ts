import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

/**
 * Plants credentials and exercises the API — successes, validation errors, provider failures, logging at
 * debug level — then greps every response body and every log line for them.
 */
const SECRET = 'ghp_PLANTED_secret_7f3a9c1e5b2d4086';
const WRONG = 'ghp_PLANTED_wrong_c0ffee15deadbeef';

describe.each(databaseKinds)('secrets never leak on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  const bodies: string[] = [];

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 300, seed: 3, token: SECRET });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await rt.inject({ method, url, key: rt.bootstrap!.apiKey, body });
    bodies.push(JSON.stringify(res.headers), res.raw);
    return res;
  };

  it('keeps the planted secrets out of every response and log line', async () => {
    const good = await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: SECRET }, config: { base_url: sandbox.url } });
    // Refused by the install's probe (422, the provider's reason), then saved unverified so a run uses it too.
    expect((await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: WRONG }, config: { base_url: sandbox.url } })).status).toBe(422);
    const bad = await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: WRONG }, config: { base_url: sandbox.url }, verify: false });
    await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: SECRET, stray: SECRET } });
    await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: 42 }, config: { base_url: SECRET } });
    await call('PATCH', `/api/v1/connections/${good.body.id}`, { fields: { token: SECRET }, config: { base_url: `not a url ${SECRET}` } });
    await call('PATCH', `/api/v1/connections/${good.body.id}`, { fields: { token: SECRET } });
    for (const id of [good.body.id, bad.body.id]) {
      const started = await call('POST', `/api/v1/connections/${id}/runs`, { full_refresh: true });
      const run = await waitForRun(rt, rt.bootstrap!.apiKey, started.body.run.id);
      await call('GET', `/api/v1/runs/${run.id}`);
      await call('GET', `/api/v1/runs/${run.id}/logs?limit=1000`);
      await call('GET', `/api/v1/connections/${id}`);
      await call('GET', `/api/v1/connections/${id}/runs`);
      await call('GET', `/api/v1/connections/${id}/state`);
    }
    await call('GET', '/api/v1/connections?limit=100');
    await call('GET', '/api/v1/status');
    await call('GET', `/api/v1/connections/${good.body.id}/records/issues?limit=5`);

    expect(bodies.length).toBeGreaterThan(20);
    for (const text of [...bodies, ...rt.logLines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(rt.bootstrap!.apiKey);
    }
    // The logs did record the work (so the grep above looked at something real).
    expect(rt.logLines.some((l) => l.includes('Run completed'))).toBe(true);
    expect(rt.logLines.some((l) => l.includes('Bad credentials'))).toBe(true);
  });

  it('stores credentials encrypted: the raw row has no clear text', async () => {
    const { connections } = await import('../src/db/schema.js');
    const rows = await rt.database.db.select().from(connections);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(SECRET);
  });

  it('creates API keys shown once and stored hashed; a key cannot mint a stronger one', async () => {
    const created = await call('POST', '/api/v1/api-keys', { name: 'ci', role: 'member' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = created.body.key as string;
    const listed = await call('GET', '/api/v1/api-keys');
    expect(listed.raw).not.toContain(key);
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({ role: 'member', revoked_at: null });
    const member = await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key, body: { name: 'x', role: 'member' } });
    expect(member.status).toBe(403);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connections', key })).status).toBe(200);
    await call('DELETE', `/api/v1/api-keys/${created.body.id}`);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connections', key })).status).toBe(401);
  });
});
