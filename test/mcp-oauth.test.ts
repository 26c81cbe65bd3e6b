import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../src/services/credentials/connection-secrets.js';
import { databaseKinds } from './support/databases.js';
import { authorizeInBrowser } from './support/oauth-browser.js';
import { introspector, resourceConnector, startResourceServer, type ResourceServer } from './support/oauth-resource-server.js';
import { startOidcTestProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

/**
 * mcp_oauth: a remote "MCP server" on loopback publishes RFC 9728 protected-resource metadata naming a real
 * authorization server (oidc-provider with open dynamic client registration). Installing discovers it,
 * registers a client (RFC 7591) and answers an authorization URL; the flow then completes like any OAuth 2.1
 * authorization code + PKCE flow, and a sync reads the server with the token (and refreshes it).
 */
const PUBLIC_URL = 'http://127.0.0.1:3000';
const CALLBACK = `${PUBLIC_URL}/api/v1/oauth/callback`;

describe.each(databaseKinds)('mcp_oauth with discovery and dynamic client registration on %s', (kind) => {
  let op: OidcTestProvider;
  let mcp: ResourceServer;
  let rt: TestRuntime;
  let owner: string;

  beforeAll(async () => {
    op = await startOidcTestProvider({
      registration: true,
      resourceIndicators: true,
      clients: [{ client_id: 'mcp-server', client_secret: 'mcp-introspection-secret', redirect_uris: [], grant_types: [], response_types: [] }],
    });
    mcp = await startResourceServer({
      validate: introspector(`${op.issuer}/token/introspection`, 'mcp-server', 'mcp-introspection-secret'),
      protectedResource: { path: '/mcp', authorizationServers: [op.issuer], scopes: ['api:read'] },
    });
    const connector = resourceConnector({ id: 'mcp_test', auth_mode: 'mcp_oauth', base_url: `${mcp.url}/mcp`, auth: { headers: { Authorization: 'Bearer {{fields.access_token}}' }, query: {} } });
    rt = await startTestRuntime(kind, { connectors: [connector], allowPrivateHosts: [op.host, mcp.host], config: { publicUrl: PUBLIC_URL } });
    owner = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await mcp?.close();
    await op?.close();
  });

  const secretsOf = async (id: string) => {
    const row = await getConnectionById(rt.database.db, id);
    return rt.vault.decrypt<ConnectionSecrets>(row!.credentials!, id);
  };
  const sync = async (id: string) => {
    const started = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key: owner, body: { full_refresh: true } });
    expect(started.status, started.raw).toBe(202);
    return waitForRun(rt, owner, started.body.run.id);
  };

  it('installs with next_step mcp_oauth and an authorize URL, completes the flow, syncs and refreshes', async () => {
    const installed = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'mcp_test', name: 'Remote MCP' } });
    expect(installed.status, installed.raw).toBe(201);
    expect(installed.body).toMatchObject({ status: 'pending_auth', next_step: 'mcp_oauth', oauth_url: expect.any(String) });
    const id = installed.body.id as string;
    const url = new URL(installed.body.oauth_url);
    expect(url.origin).toBe(op.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ resource: `${mcp.url}/mcp`, code_challenge_method: 'S256', prompt: 'consent', scope: 'api:read offline_access', redirect_uri: CALLBACK });
    const registered = await secretsOf(id);
    expect(registered.oauth_client).toMatchObject({ source: 'dcr', client_id: url.searchParams.get('client_id'), token_endpoint_auth_method: 'client_secret_basic' });
    expect(registered.oauth_server).toMatchObject({ issuer: op.issuer, token_endpoint: `${op.issuer}/token`, resource: `${mcp.url}/mcp` });

    const landing = await authorizeInBrowser(installed.body.oauth_url, { stopAt: CALLBACK });
    const done = await rt.inject({ method: 'GET', url: `${landing.pathname}${landing.search}` });
    expect(done.status, done.raw).toBe(200);
    expect(done.raw).toContain('Connected, you can close this window');
    expect((await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}`, key: owner })).body.status).toBe('connected');

    const run = await sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(run.totals.created).toBe(12);

    const before = await secretsOf(id);
    expect(before.oauth?.refresh_token).toBeTruthy();
    await updateConnectionById(rt.database.db, id, { credentials: rt.vault.encrypt({ ...before, oauth: { ...before.oauth!, expires_at: new Date(Date.now() - 1000).toISOString() } }, id) });
    expect((await sync(id)).status).toBe('COMPLETED');
    expect((await secretsOf(id)).oauth!.access_token).not.toBe(before.oauth!.access_token);

    // A reconnect reuses the registered client instead of registering another.
    const again = await rt.inject({ method: 'POST', url: '/api/v1/oauth/mcp_test/authorize', key: owner, body: { connection_id: id } });
    expect(again.status, again.raw).toBe(200);
    expect(new URL(again.body.authorize_url).searchParams.get('client_id')).toBe(registered.oauth_client!.client_id);
  });

  it('moving a connected MCP connection to another server drops its grant, registration and pinned endpoints', async () => {
    const installed = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'mcp_test', name: 'Moving MCP' } });
    const id = installed.body.id as string;
    const landing = await authorizeInBrowser(installed.body.oauth_url, { stopAt: CALLBACK });
    expect((await rt.inject({ method: 'GET', url: `${landing.pathname}${landing.search}` })).status).toBe(200);
    expect((await secretsOf(id)).oauth_server).toMatchObject({ resource: `${mcp.url}/mcp` });
    // Another origin (here the authorization server's, which serves no MCP): the tokens were issued for the old one.
    const moved = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: owner, body: { config: { base_url: `${op.issuer}/mcp` } } });
    expect(moved.status, moved.raw).toBe(200);
    expect(moved.body).toMatchObject({ status: 'pending_auth', has_credentials: false });
    expect((await getConnectionById(rt.database.db, id))!.credentials).toBeNull();
  });

  it('keeps an undiscoverable server pending with a message, and refuses a host the SSRF guard blocks', async () => {
    const missing = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'mcp_test', config: { base_url: `${mcp.url}/nothing-here` } } });
    expect(missing.status, missing.raw).toBe(201);
    expect(missing.body).toMatchObject({ status: 'pending_auth', next_step: 'mcp_oauth' });
    expect(missing.body.oauth_url).toBeUndefined();
    expect(missing.body.message).toMatch(/Protected resource discovery/);

    const blocked = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'mcp_test', config: { base_url: 'http://127.0.0.1:9/mcp' } } });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.code).toBe('host_not_allowed');
  });
});
