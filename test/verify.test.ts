import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

describe.each(databaseKinds)('verify, test, check and disconnect on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let owner: string;
  let member: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 100, seed: 5, token: 'ghp_verify_good_token_123' });
    rt = await startTestRuntime(kind, { worker: false, allowPrivateHosts: [new URL(sandbox.url).host] });
    owner = rt.bootstrap!.apiKey;
    member = (await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: owner, body: { name: 'm', role: 'member' } })).body.key;
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const verify = (fields: object, config: object = { base_url: sandbox.url }, key = owner) =>
    rt.inject({ method: 'POST', url: '/api/v1/connectors/github/verify', key, body: { fields, config } });

  it('answers ok for good credentials and ok: false with the provider message for bad ones', async () => {
    expect((await verify({ token: 'ghp_verify_good_token_123' })).body).toEqual({ ok: true, message: '' });
    const bad = await verify({ token: 'ghp_verify_wrong_token_99' });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.message).toMatch(/401.*Bad credentials/);
    expect(bad.raw).not.toContain('ghp_verify_wrong_token_99');
    const test = await rt.inject({ method: 'POST', url: '/api/v1/connections/test', key: owner, body: { connector: 'github', fields: { token: 'ghp_verify_good_token_123' }, config: { base_url: sandbox.url } } });
    expect(test.body).toMatchObject({ ok: true, success: true });
  });

  it('keeps 4xx for our own refusals: validation, roles, blocked hosts', async () => {
    const missing = await verify({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('fields.token');
    expect((await verify({ token: 'x' }, { base_url: sandbox.url }, member)).status).toBe(403);
    const blocked = await verify({ token: 'x' }, { base_url: 'http://127.0.0.1:1/' });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.code).toBe('host_not_allowed');
    const unreachable = await verify({ token: 'x' }, { base_url: 'http://169.254.169.254/' });
    expect(unreachable.body.error.code).toBe('host_not_allowed');
  });

  it('checks an installed connection and stores the result; disconnect clears the credentials', async () => {
    const created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', fields: { token: 'ghp_verify_good_token_123' }, config: { base_url: sandbox.url } } });
    const id = created.body.id;
    const check = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/check`, key: member });
    expect(check.body).toMatchObject({ ok: true });
    const read = await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}`, key: owner });
    expect(read.body).toMatchObject({ last_check_ok: true, last_check_at: check.body.checked_at });

    expect((await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/disconnect`, key: member })).status).toBe(403);
    const disconnected = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/disconnect`, key: owner });
    expect(disconnected.body).toMatchObject({ status: 'disconnected', has_credentials: false });
    const run = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key: owner, body: {} });
    expect(run.status).toBe(409);
    expect(run.body.error.code).toBe('connection_not_ready');
    const recheck = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/check`, key: owner });
    expect(recheck.body.ok).toBe(false);

    const reconnected = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: owner, body: { fields: { token: 'ghp_verify_good_token_123' } } });
    expect(reconnected.body).toMatchObject({ status: 'connected', has_credentials: true });
  });
});
