import { insertPendingRun } from './support/run-helpers.js';
import { randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../src/services/credentials/connection-secrets.js';
import { defaultEngineOptions, type EngineDeps } from '../src/engine/engine-deps.js';
import { executeRun } from '../src/engine/execute-run.js';
import { freshCredentials } from '../src/services/credentials/fresh-credentials.js';
import { databaseKinds } from './support/databases.js';
import { resourceConnector, startResourceServer, type ResourceServer } from './support/oauth-resource-server.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * Token refresh under faults, injected with oauth2-mock-server's hooks: short-lived tokens, `invalid_grant`,
 * `invalid_client`, a provider that is down, a token the provider stops accepting, a revocation endpoint that
 * fails, and many workers refreshing at once. The resource server accepts exactly the access tokens the
 * mock has issued and not yet "expired".
 */
const PUBLIC_URL = 'http://127.0.0.1:3000';
const CALLBACK = `${PUBLIC_URL}/api/v1/oauth/callback`;
const CLIENT_SECRET = 'mock-client-secret-6b8d0f2a4c';

type TokenResponse = { statusCode: number; body: Record<string, unknown> };
type TokenRequest = { body: Record<string, string> };

describe.each(databaseKinds)('token refresh faults against oauth2-mock-server on %s', (kind) => {
  let mock: OAuth2Server;
  let rs: ResourceServer;
  let rt: TestRuntime;
  let owner: string;
  let deps: EngineDeps;
  const valid = new Set<string>();
  let refreshes = 0;

  beforeAll(async () => {
    mock = new OAuth2Server();
    await mock.issuer.keys.generate('RS256');
    await mock.start(0, '127.0.0.1');
    const issuer = `http://127.0.0.1:${mock.address().port}`;
    mock.issuer.url = issuer;
    mock.service.on('beforeResponse', (response: TokenResponse, req: TokenRequest) => {
      if (req.body['grant_type'] === 'refresh_token') refreshes++;
      if (typeof response.body['access_token'] === 'string') valid.add(response.body['access_token']);
    });
    // Unique tokens: the mock's JWTs are otherwise identical when issued within the same second.
    mock.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
      token.payload['jti'] = randomUUID();
    });
    rs = await startResourceServer({ validate: async (token) => valid.has(token) });
    const connector = resourceConnector({
      id: 'mock_oauth',
      auth_mode: 'oauth2',
      base_url: rs.url,
      auth: { headers: { Authorization: 'Bearer {{fields.access_token}}' }, query: {} },
      oauth: { authorization_url: `${issuer}/authorize`, token_url: `${issuer}/token`, revocation_url: `${issuer}/revoke`, issuer, scopes: ['read'], token_auth: 'client_secret_basic' },
    });
    const allowPrivateHosts = [`127.0.0.1:${mock.address().port}`, rs.host];
    // Alphanumeric: client_secret_basic form-encodes the id (RFC 6749 §2.3.1), which the mock does not decode.
    const oauthApps = { mock_oauth: { clientId: 'mockclient', clientSecret: CLIENT_SECRET } };
    rt = await startTestRuntime(kind, { connectors: [connector], allowPrivateHosts, config: { publicUrl: PUBLIC_URL, oauthApps } });
    owner = rt.bootstrap!.apiKey;
    deps = { db: rt.database.db, catalog: rt.catalog, vault: rt.vault, logger: rt.logger, providerTraffic: new ProviderTraffic(), options: { ...defaultEngineOptions, allowPrivateHosts, oauthApps } };
  });
  afterAll(async () => {
    await rt?.stop();
    await rs?.close();
    await mock?.stop();
  });

  const connect = async () => {
    const started = await rt.inject({ method: 'POST', url: '/api/v1/oauth/mock_oauth/authorize', key: owner, body: { name: 'mock' } });
    expect(started.status, started.raw).toBe(200);
    // The mock signs the user in at once and redirects to our callback.
    const redirect = await fetch(started.body.authorize_url, { redirect: 'manual' });
    const landing = new URL(redirect.headers.get('location')!);
    expect(landing.href.startsWith(CALLBACK)).toBe(true);
    const done = await rt.inject({ method: 'GET', url: `${landing.pathname}${landing.search}` });
    expect(done.status, done.raw).toBe(200);
    return started.body.connection_id as string;
  };
  const secretsOf = async (id: string) => rt.vault.decrypt<ConnectionSecrets>((await getConnectionById(rt.database.db, id))!.credentials!, id);
  const expireIn = async (id: string, ms: number) => {
    const current = await secretsOf(id);
    await updateConnectionById(rt.database.db, id, { credentials: rt.vault.encrypt({ ...current, oauth: { ...current.oauth!, expires_at: new Date(Date.now() + ms).toISOString() } }, id) });
    return current;
  };
  const sync = async (id: string) => {
    const started = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key: owner, body: { full_refresh: true } });
    expect(started.status, started.raw).toBe(202);
    return waitForRun(rt, owner, started.body.run.id);
  };
  const failNextRefresh = (statusCode: number, body: Record<string, unknown>) =>
    mock.service.once('beforeResponse', (response: TokenResponse) => {
      response.statusCode = statusCode;
      response.body = body;
    });

  it('refreshes a token that expires within five minutes before the run, and uses the new one', async () => {
    mock.service.once('beforeResponse', (response: TokenResponse) => {
      response.body['expires_in'] = 90;
    });
    const id = await connect();
    const first = await secretsOf(id);
    expect(Date.parse(first.oauth!.expires_at!) - Date.now()).toBeLessThan(100_000);
    const before = refreshes;
    const run = await sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(refreshes).toBe(before + 1);
    const second = await secretsOf(id);
    expect(second.oauth!.access_token).not.toBe(first.oauth!.access_token);
    expect(rs.seen.at(-1)).toBe(second.oauth!.access_token);
  });

  it('a token the provider stops accepting mid-run is refreshed once and the request retried', async () => {
    const id = await connect();
    const { oauth } = await secretsOf(id);
    valid.delete(oauth!.access_token);
    const before = refreshes;
    const run = await sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(run.totals.created).toBe(12);
    expect(refreshes).toBe(before + 1);
  });

  it('invalid_grant: the run fails as config, the connection goes to error with its schedule paused, audit-logged', async () => {
    const id = await connect();
    await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: owner, body: { schedule: { every_minutes: 60 } } });
    expect((await getConnectionById(rt.database.db, id))!.nextSyncAt).not.toBeNull();
    await expireIn(id, -1000);
    failNextRefresh(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const run = await sync(id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/invalid_grant: Token has been expired or revoked\..*authorize the connection again/);
    const row = (await getConnectionById(rt.database.db, id))!;
    expect(row).toMatchObject({ status: 'error', nextSyncAt: null });
    expect(row.lastSyncError).toMatch(/invalid_grant/);
    expect((await secretsOf(id)).oauth).toBeUndefined();
    const audit = await listAuditLog(rt.database.db, rt.bootstrap!.workspaceId, id);
    expect(audit.filter((a) => a.action === 'connection.auth_failed')).toHaveLength(1);
  });

  it('invalid_client: error and audit, but the tokens are kept for when the app is fixed', async () => {
    const id = await connect();
    await expireIn(id, -1000);
    failNextRefresh(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const run = await sync(id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/invalid_client.*client id and secret/);
    expect((await secretsOf(id)).oauth?.refresh_token).toBeTruthy();
    expect((await listAuditLog(rt.database.db, rt.bootstrap!.workspaceId, id)).map((a) => a.action)).toContain('connection.auth_failed');
  });

  it('a provider that is down: a still-valid token carries the run; an expired one makes the run retry, not error', async () => {
    const id = await connect();
    await expireIn(id, 60_000);
    failNextRefresh(503, { error: 'temporarily_unavailable' });
    const carried = await sync(id);
    expect(carried.status, JSON.stringify(carried)).toBe('COMPLETED');
    const logs = (await rt.inject({ method: 'GET', url: `/api/v1/runs/${carried.id}/logs?limit=100`, key: owner })).body.data.map((l: { message: string }) => l.message);
    expect(logs.some((m: string) => /Token refresh failed.*503.*still valid/.test(m)), logs.join('\n')).toBe(true);

    await expireIn(id, -1000);
    const direct = async (final: boolean) => {
      const run = await insertPendingRun(rt.database.db, { workspaceId: rt.bootstrap!.workspaceId, connectionId: id, streams: ['items'] });
      failNextRefresh(503, { error: 'temporarily_unavailable' });
      return executeRun(deps, run.id, { final });
    };
    expect(await direct(false)).toMatchObject({ status: 'RETRY', error: expect.stringMatching(/503/) });
    expect(await direct(true)).toMatchObject({ status: 'FAILED' });
    expect((await secretsOf(id)).oauth?.refresh_token).toBeTruthy();
    expect((await listAuditLog(rt.database.db, rt.bootstrap!.workspaceId, id)).map((a) => a.action)).not.toContain('connection.auth_failed');
  });

  it('many workers refreshing one connection at once make exactly one refresh', async () => {
    const id = await connect();
    await expireIn(id, 30_000);
    const before = refreshes;
    const results = await Promise.all(Array.from({ length: 5 }, () => freshCredentials(deps, id)));
    expect(refreshes).toBe(before + 1);
    expect(new Set(results.map((r) => r.oauth!.access_token)).size).toBe(1);
    expect((await secretsOf(id)).oauth!.access_token).toBe(results[0]!.oauth!.access_token);
  });

  it('disconnect goes through when the revocation endpoint fails, and says so', async () => {
    const id = await connect();
    mock.service.once('beforeRevoke', (response: { statusCode: number }) => {
      response.statusCode = 503;
    });
    const off = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/disconnect`, key: owner });
    expect(off.status, off.raw).toBe(200);
    expect(off.body).toMatchObject({ status: 'disconnected', has_credentials: false, revocation: { outcome: 'unreachable', attempted: true, ok: false } });
    expect(off.body.revocation.message).not.toMatch(/revoked the tokens|confirmed/);
    expect(off.raw).not.toContain(CLIENT_SECRET);
  });
});
