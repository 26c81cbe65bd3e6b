import { expect } from 'vitest';
import { getConnectionById, updateConnectionById } from '../../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../../src/services/credentials/connection-secrets.js';
import type { DatabaseKind } from './databases.js';
import { authorizeInBrowser } from './oauth-browser.js';
import { introspector, resourceConnector, startResourceServer, type ResourceServer } from './oauth-resource-server.js';
import { startOidcTestProvider, type OidcTestProvider } from './oidc-test-provider.js';
import { startTestRuntime, type TestRuntime } from './test-runtime.js';
import { waitForRun } from './wait-for-run.js';
import type { ApiResponse, RunLogList, StartRunResponse } from './api-types.js';

export const PUBLIC_URL = 'http://127.0.0.1:3000';
export const CALLBACK = `${PUBLIC_URL}/api/v1/oauth/callback`;
export const APP_SECRET = 'operator-app-secret-5f1c9e2a7b3d';
export const BYO_SECRET = 'byo-app-secret-8a2d4c6e0f1b';
export const RETURN_PREFIX = 'https://app.example.com/oauth-done';


/** A confidential client of the test provider that redirects to Tributary's callback (code + refresh grants). */
export const oauthClient = (clientId: string, secret: string) => ({
  client_id: clientId,
  client_secret: secret,
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code' as const],
  token_endpoint_auth_method: 'client_secret_basic' as const,
});

/** The resource server's own client, which introspects the bearer tokens it is shown. */
export const RESOURCE_SERVER_CLIENT = { client_id: 'resource-server', client_secret: 'rs-secret-0000', redirect_uris: [], grant_types: [], response_types: [] };

/** A resource server that accepts exactly the tokens `op` says are live. */
export const startIntrospectingResourceServer = (op: OidcTestProvider): Promise<ResourceServer> =>
  startResourceServer({ validate: introspector(`${op.issuer}/token/introspection`, RESOURCE_SERVER_CLIENT.client_id, RESOURCE_SERVER_CLIENT.client_secret) });

/**
 * The `oidc_test` connector: OAuth 2.0 against the test provider, reading the resource server. The GitHub shape: a
 * header reading a field, which an OAuth connection's access token fills.
 */
export function oidcTestConnector(op: OidcTestProvider, rs: ResourceServer) {
  return resourceConnector({
    id: 'oidc_test',
    auth_mode: 'oauth2',
    base_url: rs.url,
    auth: { headers: { Authorization: 'Bearer {{fields.token}}' }, query: {} },
    oauth: {
      authorization_url: `${op.issuer}/auth`,
      token_url: `${op.issuer}/token`,
      revocation_url: `${op.issuer}/token/revocation`,
      issuer: op.issuer,
      scopes: ['openid', 'offline_access', 'api:read'],
      authorize_params: { prompt: 'consent' },
      token_auth: 'client_secret_basic',
      token_field: 'token',
    },
  });
}

/**
 * Tributary with an OAuth test connector (`oidc_test`) in front of a real authorization server (oidc-provider on
 * loopback: PKCE required, refresh tokens rotated with reuse detection) and a resource server that checks every
 * bearer token by introspection. Clients: the operator's app and a user's own (`byo-app`); a test ends an access
 * token early with `op.endAccessToken`. Every response is kept, and every token, code and secret seen, so a
 * test can check that none of them ever reached a response or a log line.
 */
export async function startOidcOAuthHarness(kind: DatabaseKind) {
  const op: OidcTestProvider = await startOidcTestProvider({
    clients: [
      oauthClient('tributary-app', APP_SECRET),
      oauthClient('byo-app', BYO_SECRET),
      RESOURCE_SERVER_CLIENT,
    ],
  });
  const rs: ResourceServer = await startIntrospectingResourceServer(op);
  const connector = oidcTestConnector(op, rs);
  const rt: TestRuntime = await startTestRuntime(kind, {
    connectors: [connector],
    allowPrivateHosts: [op.host, rs.host],
    config: { publicUrl: PUBLIC_URL, oauthApps: { oidc_test: { clientId: 'tributary-app', clientSecret: APP_SECRET } }, oauthReturnUrls: [RETURN_PREFIX] },
  });
  const owner = rt.bootstrap!.apiKey;
  const member: string = (await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: owner, body: { name: 'm', role: 'member' } })).body.key;
  const responses: string[] = [];
  const secrets = new Set<string>([APP_SECRET, BYO_SECRET]);

  /** A request through the app, kept for the leak check; `T` as for `rt.inject`. */
  const call = async <T = any>(method: string, url: string, body?: unknown, key: string | null = owner): Promise<ApiResponse<T>> => {
    const res = await rt.inject<T>({ method, url, ...(key ? { key } : {}), body });
    responses.push(JSON.stringify(res.headers), res.raw);
    return res;
  };
  const authorize = (body: object, key: string = owner) => call('POST', '/api/v1/oauth/oidc_test/authorize', body, key);
  /** The browser arriving at our callback with what the provider put in the redirect. */
  const callback = (landing: URL) => {
    secrets.add(landing.searchParams.get('code') ?? '');
    return call('GET', `${landing.pathname}${landing.search}`, undefined, null);
  };
  const stored = async (id: string): Promise<ConnectionSecrets> => {
    const row = await getConnectionById(rt.database.db, id);
    const value = rt.vault.decrypt<ConnectionSecrets>(row!.credentials!, id);
    for (const s of [value.oauth?.access_token, value.oauth?.refresh_token]) if (s) secrets.add(s);
    return value;
  };
  const store = (id: string, value: ConnectionSecrets) => updateConnectionById(rt.database.db, id, { credentials: rt.vault.encrypt(value, id) });
  const sync = async (id: string) => {
    const started = await call<StartRunResponse>('POST', `/api/v1/connections/${id}/runs`, { full_refresh: true });
    expect(started.status, started.raw).toBe(202);
    return waitForRun(rt, owner, started.body.run.id);
  };
  const runLogs = async (runId: string): Promise<string[]> =>
    (await call<RunLogList>('GET', `/api/v1/runs/${runId}/logs?limit=100`)).body.data.map((l) => l.message);
  const connect = async (body: object = {}): Promise<string> => {
    const started = await authorize(body);
    expect(started.status, started.raw).toBe(200);
    const done = await callback(await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK }));
    expect(done.status, done.raw).toBe(200);
    return started.body.connection_id as string;
  };
  /** What anyone holding a refresh token could try at the provider directly. */
  const refreshDirectly = async (refreshToken: string) => {
    const r = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`tributary-app:${APP_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return { status: r.status, body: (await r.json()) as { error?: string } };
  };
  /** Checks that no token, code or client secret seen so far is in a response, a log line or a stored row. */
  const expectNoLeaks = async () => {
    for (const text of [...responses, ...rt.logLines]) for (const secret of secrets) if (secret) expect(text).not.toContain(secret);
    const { connections, oauthStates } = await import('../../src/db/schema.js');
    const rows = JSON.stringify([...(await rt.database.db.select().from(connections)), ...(await rt.database.db.select().from(oauthStates))]);
    for (const secret of secrets) if (secret) expect(rows).not.toContain(secret);
  };
  const stop = async () => {
    await rt.stop();
    await rs.close();
    await op.close();
  };
  return { op, rs, rt, owner, member, responses, secrets, call, authorize, callback, stored, store, sync, runLogs, connect, refreshDirectly, expectNoLeaks, stop };
}

export type OidcOAuthHarness = Awaited<ReturnType<typeof startOidcOAuthHarness>>;
