import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/cli/config.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../src/services/credentials/connection-secrets.js';
import { databaseKinds } from './support/databases.js';
import { authorizeInBrowser } from './support/oauth-browser.js';
import type { ResourceServer } from './support/oauth-resource-server.js';
import { CALLBACK, oauthClient, oidcTestConnector, PUBLIC_URL, RESOURCE_SERVER_CLIENT, startIntrospectingResourceServer } from './support/oidc-oauth-harness.js';
import { startOidcTestProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const TOKEN = 'ghp_destinations_token_0123456789abcdef00';
const NEW_TOKEN = 'ghp_destinations_new_token_9876543210fe00';
const JIRA_TOKEN = 'ATATT3xFfGF0destinations0jira000000000000';
const BYO_SECRET = 'byo-destinations-secret-4c2e8a0b6d1f';
const APP_SECRET = 'operator-destinations-secret-7e1a3c5b9d0f';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server that answers 200 `{}` to anything and keeps every request, headers and body included. */
async function startRecorder(bindHost: string): Promise<{ server: Server; port: number; url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accountId: 'recorded', login: 'recorded' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, bindHost, resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Every credential a request could carry, as text: headers and body. */
const carried = (requests: Recorded[]) => requests.map((r) => `${JSON.stringify(r.headers)} ${r.body} ${r.path}`).join('\n');

describe('TRIBUTARY_ALLOWED_HOSTS', () => {
  it('is a comma list, entries optionally scoped to a connector', () => {
    expect(readConfig({ TRIBUTARY_ALLOWED_HOSTS: ' github=github.acme.com, *.acme.internal ,' }).allowedHosts).toEqual(['github=github.acme.com', '*.acme.internal']);
    expect(readConfig({}).allowedHosts).toEqual([]);
  });

  it('refuses to start with a malformed entry or a connector this build does not have', async () => {
    await expect(startTestRuntime('pglite', { config: { allowedHosts: ['*.com'] } })).rejects.toThrow(/^TRIBUTARY_ALLOWED_HOSTS entry "\*\.com"/);
    await expect(startTestRuntime('pglite', { config: { allowedHosts: ['githib=github.acme.com'] } })).rejects.toThrow(/names no connector/);
  });
});

/**
 * Credentials go only where they are allowed (issue 12, item 1). The attacker is a real HTTP server reached by
 * this machine's own name: the SSRF guard lets it through (its address:port is in TRIBUTARY_ALLOW_PRIVATE_HOSTS,
 * standing in for any public host), so what keeps the credentials from it is the destination rule alone — the
 * manifest's allowed_hosts and the operator's TRIBUTARY_ALLOWED_HOSTS. The same server, allowed for Jira by the
 * operator, does receive Jira's credential: the recorder would see a leak.
 */
describe.each(databaseKinds)('credential destinations on %s', (kind) => {
  let github: GithubSandboxHandle;
  let op: OidcTestProvider;
  let rs: ResourceServer;
  let attacker: Awaited<ReturnType<typeof startRecorder>>;
  let alt: Awaited<ReturnType<typeof startRecorder>>;
  let attackerUrl: string;
  let attackerName: string;
  let rt: TestRuntime;
  let key: string;

  beforeAll(async () => {
    attackerName = hostname().toLowerCase();
    const addresses = await lookup(attackerName, { all: true });
    if (addresses.length === 0) throw new Error(`This machine's name ${attackerName} does not resolve: the test needs it to reach the attacker by name.`);
    attacker = await startRecorder(addresses.some((a) => a.family === 6) ? '::' : '0.0.0.0');
    attackerUrl = `http://${attackerName}:${attacker.port}`;
    alt = await startRecorder('127.0.0.1');
    github = await createGithubSandbox({ port: 0, records: 20, seed: 12, token: TOKEN });
    op = await startOidcTestProvider({ clients: [oauthClient('tributary-app', APP_SECRET), oauthClient('byo-app', BYO_SECRET), RESOURCE_SERVER_CLIENT] });
    rs = await startIntrospectingResourceServer(op);
    const connector = oidcTestConnector(op, rs);
    const attackerAddresses = addresses.map((a) => (a.family === 6 ? `[${a.address}]:${attacker.port}` : `${a.address}:${attacker.port}`));
    rt = await startTestRuntime(kind, {
      connectors: [connector],
      allowPrivateHosts: [new URL(github.url).host, `127.0.0.1:${alt.port}`, op.host, rs.host, ...attackerAddresses],
      config: {
        publicUrl: PUBLIC_URL,
        oauthApps: { oidc_test: { clientId: 'tributary-app', clientSecret: APP_SECRET } },
        // The operator allows this host for Jira only (an on-premise site, say); GitHub's credentials may not go there.
        allowedHosts: [`jira=${attackerName}`],
      },
    });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await Promise.all([github?.close(), op?.close(), rs?.close(), attacker?.close(), alt?.close()]);
  });

  const call = (method: string, url: string, body?: unknown) => rt.inject({ method, url, key, body });
  const secretsOf = async (id: string): Promise<ConnectionSecrets | null> => {
    const row = await getConnectionById(rt.database.db, id);
    return row?.credentials ? rt.vault.decrypt<ConnectionSecrets>(row.credentials, id) : null;
  };
  const connectOAuth = async (body: object): Promise<string> => {
    const started = await call('POST', '/api/v1/oauth/oidc_test/authorize', body);
    expect(started.status, started.raw).toBe(200);
    const landing = await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK });
    const done = await rt.inject({ method: 'GET', url: `${landing.pathname}${landing.search}` });
    expect(done.status, done.raw).toBe(200);
    return started.body.connection_id as string;
  };

  it('refuses a base_url outside the allowed hosts when saved, and at use in check, verify, test and sync: the attacker gets nothing', async () => {
    const id = await install(rt, key, 'github', { name: 'victim', fields: { token: TOKEN }, config: { base_url: github.url } });
    const moved = await call('PATCH', `/api/v1/connections/${id}`, { config: { base_url: attackerUrl } });
    expect(moved.status, moved.raw).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'credential_host_not_allowed', field: 'config.base_url' });
    expect(moved.body.error.message).toContain(`TRIBUTARY_ALLOWED_HOSTS=github=${attackerName}`);
    // Re-entering the token does not make a host allowed.
    expect((await call('PATCH', `/api/v1/connections/${id}`, { config: { base_url: attackerUrl }, fields: { token: NEW_TOKEN } })).body.error.code).toBe('credential_host_not_allowed');
    expect((await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: TOKEN }, config: { base_url: attackerUrl } })).body.error.code).toBe('credential_host_not_allowed');
    const verify = await call('POST', '/api/v1/connectors/github/verify', { fields: { token: TOKEN }, config: { base_url: attackerUrl } });
    expect(verify.status).toBe(400);
    expect(verify.body.error.code).toBe('credential_host_not_allowed');
    expect((await call('POST', '/api/v1/connections/test', { connector: 'github', fields: { token: TOKEN }, config: { base_url: attackerUrl } })).body.error.code).toBe('credential_host_not_allowed');

    // A row that holds such a base URL anyway (saved while the operator allowed the host, then removed from the
    // list; or written by hand) is refused at use.
    const row = await getConnectionById(rt.database.db, id);
    await updateConnectionById(rt.database.db, id, { config: { ...row!.config, base_url: attackerUrl } });
    const check = await call('POST', `/api/v1/connections/${id}/check`);
    expect(check.body).toMatchObject({ ok: false, message: expect.stringMatching(/^credential_host_not_allowed: /) });
    const run = await syncAndWait(rt, key, id, { streams: ['repositories'] });
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/credential_host_not_allowed/);
    expect(attacker.requests).toEqual([]);
  });

  it('moving a pasted credential needs it again; with it, the new host gets the new credential and never the old one', async () => {
    const id = await install(rt, key, 'github', { name: 'moving', fields: { token: TOKEN }, config: { base_url: github.url } });
    const bare = await call('PATCH', `/api/v1/connections/${id}`, { config: { base_url: alt.url } });
    expect(bare.status, bare.raw).toBe(400);
    expect(bare.body.error).toMatchObject({ code: 'credentials_required', field: 'fields.token' });
    expect(bare.body.error.message).toMatch(/config\.base_url.*send fields\.token again/);
    expect((await call('GET', `/api/v1/connections/${id}`)).body.config.base_url).toBe(github.url);

    const moved = await call('PATCH', `/api/v1/connections/${id}`, { config: { base_url: alt.url }, fields: { token: NEW_TOKEN } });
    expect(moved.status, moved.raw).toBe(200);
    expect((await call('POST', `/api/v1/connections/${id}/check`)).body.ok).toBe(true);
    expect(alt.requests.at(-1)!.headers.authorization).toBe(`Bearer ${NEW_TOKEN}`);
    expect(carried(alt.requests)).not.toContain(TOKEN);
    // A new path on the same origin sends the credential to the same host: nothing to re-enter.
    expect((await call('PATCH', `/api/v1/connections/${id}`, { config: { base_url: `${alt.url}/api/v3` } })).status).toBe(200);
  });

  it('a variant may not send the group\'s credentials to another host', async () => {
    const base = await install(rt, key, 'github', { name: 'group base', fields: { token: TOKEN }, config: { base_url: github.url } });
    const foreign = await call('POST', `/api/v1/connections/${base}/variants`, { config: { base_url: attackerUrl } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('credential_host_not_allowed');
    const elsewhere = await call('POST', `/api/v1/connections/${base}/variants`, { config: { base_url: alt.url } });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatchObject({ code: 'credentials_required', field: 'config.base_url' });
    const same = await call('POST', `/api/v1/connections/${base}/variants`, { config: { repositories: 'octo/one' } });
    expect(same.status, same.raw).toBe(201);
    // A member of the group cannot move alone, even with the token re-entered: the others keep sending it to the old host.
    const split = await call('PATCH', `/api/v1/connections/${same.body.id}`, { config: { base_url: alt.url }, fields: { token: NEW_TOKEN } });
    expect(split.body.error.code).toBe('credentials_required');
    expect(attacker.requests).toEqual([]);
  });

  it("refuses a user's own OAuth app's token_url and revocation_url elsewhere: no refresh, no revocation reaches the attacker", async () => {
    const id = await connectOAuth({ client_id: 'byo-app', client_secret: BYO_SECRET, name: 'byo' });
    for (const setting of ['token_url', 'revocation_url', 'authorization_url']) {
      const res = await call('PATCH', `/api/v1/connections/${id}`, { config: { [setting]: `${attackerUrl}/${setting}` } });
      expect(res.body.error, setting).toMatchObject({ code: 'credential_host_not_allowed', field: `config.${setting}` });
    }
    const row = await getConnectionById(rt.database.db, id);
    await updateConnectionById(rt.database.db, id, { config: { ...row!.config, token_url: `${attackerUrl}/token`, revocation_url: `${attackerUrl}/revoke` } });
    const stored = (await secretsOf(id))!;
    await updateConnectionById(rt.database.db, id, { credentials: rt.vault.encrypt({ ...stored, oauth: { ...stored.oauth!, expires_at: new Date(Date.now() - 1000).toISOString() } }, id) });

    const run = await syncAndWait(rt, key, id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/credential_host_not_allowed/);
    expect((await call('POST', `/api/v1/connections/${id}/check`)).body).toMatchObject({ ok: false, message: expect.stringMatching(/credential_host_not_allowed/) });
    const off = await call('POST', `/api/v1/connections/${id}/disconnect`);
    expect(off.status, off.raw).toBe(200);
    expect(off.body.revocation).toMatchObject({ outcome: 'not_attempted', attempted: false, ok: false });
    expect(off.body.revocation.message).toMatch(/^Not attempted: .*credential_host_not_allowed/);
    expect(off.body.revocation.message).not.toMatch(/revoked the tokens|confirmed/);
    expect(attacker.requests).toEqual([]);
    for (const secret of [BYO_SECRET, stored.oauth!.refresh_token!, stored.oauth!.access_token]) expect(off.raw).not.toContain(secret);
  });

  it('moving an OAuth connection drops its grant and needs a new authorization, with the own app\'s secret again', async () => {
    const id = await connectOAuth({ client_id: 'byo-app', client_secret: BYO_SECRET, name: 'byo moving' });
    // Through the authorize route: the own app's secret must come with a move.
    const noSecret = await call('POST', '/api/v1/oauth/oidc_test/authorize', { connection_id: id, config: { revocation_url: `${alt.url}/revoke` } });
    expect(noSecret.status, noSecret.raw).toBe(400);
    expect(noSecret.body.error).toMatchObject({ code: 'credentials_required', field: 'client_secret' });
    expect((await secretsOf(id))!.oauth).toBeDefined();

    // Through PATCH: the tokens are dropped, and the connection waits for a new authorization.
    const moved = await call('PATCH', `/api/v1/connections/${id}`, { config: { revocation_url: `${alt.url}/revoke` } });
    expect(moved.status, moved.raw).toBe(200);
    expect(moved.body).toMatchObject({ status: 'pending_auth', has_credentials: false });
    expect(await secretsOf(id)).toBeNull();
    const off = await call('POST', `/api/v1/connections/${id}/disconnect`);
    expect(off.body.revocation).toMatchObject({ outcome: 'not_needed', attempted: false });
    expect(alt.requests.filter((r) => r.path.includes('revoke'))).toEqual([]);
  });

  it('a host the operator allows for a connector receives that connector\'s credential, and only that one', async () => {
    const created = await call('POST', '/api/v1/connections', { connector: 'jira', fields: { email: 'ops@example.com', api_token: JIRA_TOKEN }, config: { base_url: attackerUrl } });
    expect(created.status, created.raw).toBe(201);
    const check = await call('POST', `/api/v1/connections/${created.body.id}/check`);
    expect(check.body, JSON.stringify(check.body)).toMatchObject({ ok: true });
    const seen = attacker.requests.at(-1)!;
    expect(seen.path).toBe('/rest/api/3/myself');
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from(`ops@example.com:${JIRA_TOKEN}`).toString('base64')}`);
    expect(carried(attacker.requests)).not.toContain(TOKEN);
    attacker.requests.length = 0;
  });

  it('says how to allow a private host on purpose when the SSRF guard refuses it', async () => {
    const res = await call('POST', '/api/v1/connectors/github/verify', { fields: { token: TOKEN }, config: { base_url: 'http://127.0.0.1:9/' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('host_not_allowed');
    expect(res.body.error.message).toContain('TRIBUTARY_ALLOW_PRIVATE_HOSTS=127.0.0.1:9');
  });

  it('never puts a credential in a response or a log line', () => {
    const logs = rt.logLines.join('\n');
    for (const secret of [TOKEN, NEW_TOKEN, JIRA_TOKEN, BYO_SECRET, APP_SECRET]) expect(logs).not.toContain(secret);
  });
});
