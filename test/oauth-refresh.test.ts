import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import { defaultEngineOptions, type EngineDeps } from '../src/engine/engine-deps.js';
import { freshCredentials } from '../src/services/credentials/fresh-credentials.js';
import { databaseKinds } from './support/databases.js';
import { authorizeInBrowser } from './support/oauth-browser.js';
import { APP_SECRET, BYO_SECRET, CALLBACK, startOidcOAuthHarness, type OidcOAuthHarness } from './support/oidc-oauth-harness.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * Tokens after the authorization, against oidc-provider (refresh tokens rotated on every use; reusing a
 * rotated-out one revokes the grant): refresh before a run and after a 401, one refresh at a time per
 * connection, lost grants, the user's own app, and revocation on disconnect.
 */
describe.each(databaseKinds)('OAuth tokens over time against oidc-provider on %s', (kind) => {
  let h: OidcOAuthHarness;
  const past = () => new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    h = await startOidcOAuthHarness(kind);
  });
  afterAll(async () => h?.stop());

  it('refreshes an expired token before a run, storing the rotated refresh token; two refreshes at once make one', async () => {
    const id = await h.connect();
    const first = await h.stored(id);
    await h.store(id, { ...first, oauth: { ...first.oauth!, expires_at: past() } });
    const before = h.op.tokenRequests['refresh_token'] ?? 0;
    const run = await h.sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    const second = await h.stored(id);
    expect(second.oauth!.access_token).not.toBe(first.oauth!.access_token);
    expect(second.oauth!.refresh_token).not.toBe(first.oauth!.refresh_token);
    expect(h.op.tokenRequests['refresh_token']).toBe(before + 1);
    expect(await h.runLogs(run.id)).toContain('Refreshed the OAuth access token (refresh token rotated)');

    // Two workers about to run the same connection: the row lock makes the second use the first one's refresh
    // (a second refresh would present the rotated-out token, be taken for theft and revoke the grant).
    await h.store(id, { ...second, oauth: { ...second.oauth!, expires_at: new Date(Date.now() + 60_000).toISOString() } });
    const deps: EngineDeps = { db: h.rt.database.db, catalog: h.rt.catalog, vault: h.rt.vault, logger: h.rt.logger, providerTraffic: new ProviderTraffic(), options: { ...defaultEngineOptions, allowPrivateHosts: [h.op.host, h.rs.host], oauthApps: h.rt.config.oauthApps } };
    const [a, b] = await Promise.all([freshCredentials(deps, id), freshCredentials(deps, id)]);
    expect(a.oauth!.access_token).toBe(b.oauth!.access_token);
    expect(h.op.tokenRequests['refresh_token']).toBe(before + 2);
    expect((await h.sync(id)).status).toBe('COMPLETED');
  });

  it('refreshes and retries once when the provider refuses an access token mid-run (401)', async () => {
    const id = await h.connect();
    const current = await h.stored(id);
    const tokens = current.oauth!;
    // The provider ends the token while we believe it good for an hour (clock skew, an early revocation of access
    // tokens only, a provider that shortens lifetimes): no refresh before the run, a 401 during it.
    await h.store(id, { ...current, oauth: { ...tokens, expires_at: new Date(Date.now() + 3600_000).toISOString() } });
    await h.op.endAccessToken(tokens.access_token);
    const refusedBefore = h.rs.refused;
    const run = await h.sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(run.totals.created).toBe(12);
    expect(h.rs.refused).toBe(refusedBefore + 1);
    expect((await h.stored(id)).oauth!.access_token).not.toBe(tokens.access_token);
    expect(await h.runLogs(run.id)).toContain('The provider refused the access token (401); refreshing it and retrying once');
  });

  it('handles a token revoked at the provider: the refresh is refused too, so the connection asks for a reconnect', async () => {
    const id = await h.connect();
    const tokens = (await h.stored(id)).oauth!;
    // oidc-provider revokes every token of the grant when one access token is revoked.
    const revoked = await fetch(`${h.op.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`tributary-app:${APP_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, token_type_hint: 'access_token' }),
    });
    expect(revoked.status).toBe(200);
    const run = await h.sync(id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/invalid_grant.*authorize the connection again/);
    expect((await h.call('GET', `/api/v1/connections/${id}`)).body).toMatchObject({ status: 'error', last_sync_error: expect.stringMatching(/invalid_grant/) });
  });

  it('treats a detected refresh-token reuse as a lost grant: error, audit row, run log; a reconnect recovers', async () => {
    const id = await h.connect();
    const original = await h.stored(id);
    await h.store(id, { ...original, oauth: { ...original.oauth!, expires_at: past() } });
    expect((await h.sync(id)).status).toBe('COMPLETED');
    const rotated = await h.stored(id);
    // A stale copy of the rotated-out refresh token comes back (a restored backup, a lost write): using it is reuse.
    await h.store(id, { ...rotated, oauth: { ...original.oauth!, expires_at: past() } });
    const run = await h.sync(id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/invalid_grant.*authorize the connection again/);
    const connection = (await h.call('GET', `/api/v1/connections/${id}`)).body;
    expect(connection.status).toBe('error');
    expect(connection.last_sync_error).toMatch(/invalid_grant/);
    const audit = await listAuditLog(h.rt.database.db, h.rt.bootstrap!.workspaceId, id);
    expect(audit.find((a) => a.action === 'connection.auth_failed')?.data).toMatchObject({ reason: 'invalid_grant' });
    expect((await h.runLogs(run.id)).some((m) => m.startsWith('OAuth authorization lost'))).toBe(true);
    // The provider revoked the whole grant: even the newest refresh token is dead now.
    expect(await h.refreshDirectly(rotated.oauth!.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await h.stored(id)).oauth).toBeUndefined();

    const again = await h.authorize({ connection_id: id });
    expect((await h.callback(await authorizeInBrowser(again.body.authorize_url, { stopAt: CALLBACK }))).status).toBe(200);
    expect((await h.sync(id)).status).toBe('COMPLETED');
  });

  it("uses the user's own OAuth app (byo), and disconnect revokes at the provider, best effort", async () => {
    const id = await h.connect({ client_id: 'byo-app', client_secret: BYO_SECRET, name: 'BYO' });
    const tokens = (await h.stored(id)).oauth!;
    expect((await h.stored(id)).oauth_client).toMatchObject({ source: 'byo', client_id: 'byo-app' });
    expect((await h.sync(id)).status).toBe('COMPLETED');
    const off = await h.call('POST', `/api/v1/connections/${id}/disconnect`);
    expect(off.status, off.raw).toBe(200);
    expect(off.body).toMatchObject({ status: 'disconnected', has_credentials: false, revocation: { outcome: 'revoked', attempted: true, ok: true } });
    const dead = await fetch(`${h.op.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'byo-app', client_secret: BYO_SECRET }),
    });
    expect(dead.status).toBe(400);

    // A revocation endpoint we refuse to call (here: the SSRF guard) does not block the disconnect, and the answer
    // says nothing was sent: the tokens are still valid at the provider.
    const second = await h.connect({ client_id: 'byo-app', client_secret: BYO_SECRET });
    const patched = await h.call('PATCH', `/api/v1/connections/${second}`, { config: { revocation_url: 'http://127.0.0.1:9/revoke' } });
    // Refused when saved; a row that holds one anyway (saved before that check, edited by hand) is refused at use.
    expect(patched.body.error).toMatchObject({ code: 'host_not_allowed', field: 'config.revocation_url' });
    const row = await getConnectionById(h.rt.database.db, second);
    await updateConnectionById(h.rt.database.db, second, { config: { ...row!.config, revocation_url: 'http://127.0.0.1:9/revoke' } });
    const blocked = await h.call('POST', `/api/v1/connections/${second}/disconnect`);
    expect(blocked.body).toMatchObject({ status: 'disconnected', has_credentials: false, revocation: { outcome: 'not_attempted', attempted: false, ok: false } });
    expect(blocked.body.revocation.message).toMatch(/^Not attempted: .*host_not_allowed.*TRIBUTARY_ALLOW_PRIVATE_HOSTS=127\.0\.0\.1:9/);
    expect(blocked.body.revocation.message).not.toMatch(/revoked the tokens/);
    // The operator's app secret is never sent to an endpoint a connection's config chose: refused when saved
    // (not an allowed host), and, for a row that holds one anyway, at use.
    const third = await h.connect();
    const moved = await h.call('PATCH', `/api/v1/connections/${third}`, { config: { token_url: 'https://collector.example.net/token' } });
    expect(moved.body.error).toMatchObject({ code: 'credential_host_not_allowed', field: 'config.token_url' });
    const thirdRow = await getConnectionById(h.rt.database.db, third);
    await updateConnectionById(h.rt.database.db, third, { config: { ...thirdRow!.config, token_url: 'https://collector.example.net/token' } });
    const refused = await h.call('POST', `/api/v1/connections/${third}/disconnect`);
    expect(refused.body.revocation).toMatchObject({ outcome: 'not_attempted', attempted: false, ok: false, message: expect.stringMatching(/your own OAuth app/) });
  });

  it('never puts a token, code or client secret in a response, a log line or a stored row', async () => {
    expect(h.secrets.size).toBeGreaterThan(10);
    await h.expectNoLeaks();
    expect(h.rt.logLines.some((l) => l.includes('Refreshed the OAuth access token'))).toBe(true);
  });
});
