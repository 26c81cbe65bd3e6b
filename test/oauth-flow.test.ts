import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signState } from '../src/services/oauth/oauth-state.js';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { databaseKinds } from './support/databases.js';
import { authorizeInBrowser } from './support/oauth-browser.js';
import { CALLBACK, PUBLIC_URL, RETURN_PREFIX, startOidcOAuthHarness, type OidcOAuthHarness } from './support/oidc-oauth-harness.js';

/**
 * The authorization flow against a real authorization server (oidc-provider): authorization code + PKCE to
 * `connected` and a sync with the token, the manual code paste, and everything the state and the return URL
 * must refuse. See oauth-refresh.test.ts for what happens to the tokens afterwards.
 */
describe.each(databaseKinds)('OAuth authorization code + PKCE against oidc-provider on %s', (kind) => {
  let h: OidcOAuthHarness;

  beforeAll(async () => {
    h = await startOidcOAuthHarness(kind);
  });
  afterAll(async () => h?.stop());

  it('runs the whole flow: pending_auth, PKCE S256, consent, callback, connected, then a sync with the token', async () => {
    const started = await h.authorize({ name: 'Acme', return_url: `${RETURN_PREFIX}?tab=sources`, product: 'crm' });
    expect(started.status, started.raw).toBe(200);
    expect(started.body.redirect_uri).toBe(CALLBACK);
    const url = new URL(started.body.authorize_url);
    expect(url.origin + url.pathname).toBe(`${h.op.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'tributary-app', code_challenge_method: 'S256', prompt: 'consent', scope: 'openid offline_access api:read', redirect_uri: CALLBACK });
    const id = started.body.connection_id;
    expect((await h.call('GET', `/api/v1/connections/${id}`)).body).toMatchObject({ status: 'pending_auth', product: 'crm' });
    expect((await h.call('POST', `/api/v1/connections/${id}/runs`, {})).status).toBe(409);

    const landing = await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK });
    expect(landing.searchParams.get('iss')).toBe(h.op.issuer);
    const done = await h.callback(landing);
    expect(done.status, done.raw).toBe(302);
    const back = new URL(done.headers['location'] as string);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_PREFIX);
    expect(Object.fromEntries(back.searchParams)).toEqual({ tab: 'sources', status: 'success', connection_id: id });
    expect(done.headers['referrer-policy']).toBe('no-referrer');

    expect((await h.call('GET', `/api/v1/connections/${id}`)).body).toMatchObject({ status: 'connected', has_credentials: true });
    const tokens = (await h.stored(id)).oauth!;
    expect(tokens.refresh_token).toBeTruthy();
    expect(Date.parse(tokens.expires_at!)).toBeGreaterThan(Date.now() + 50 * 60_000);

    const run = await h.sync(id);
    expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
    expect(run.totals.created).toBe(12);
    expect(h.rs.seen.at(-1)).toBe(tokens.access_token);

    // The same redirect twice: the state is single-use.
    const replay = await h.callback(landing);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/single-use/) });
    expect((await listAuditLog(h.rt.database.db, h.rt.bootstrap!.workspaceId, id)).map((a) => a.action)).toContain('connection.authorized');
  });

  it('without a return_url answers a small page; a pasted code works through /oauth/exchange', async () => {
    const id = await h.connect();
    expect(h.responses.at(-1)).toContain('Connected, you can close this window');

    const started = await h.authorize({ connection_id: id });
    expect(started.body.connection_id).toBe(id);
    const landing = await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK });
    const code = landing.searchParams.get('code')!;
    h.secrets.add(code);
    const pasted = await h.call('POST', '/api/v1/oauth/exchange', { connection_id: id, code });
    expect(pasted.status, pasted.raw).toBe(200);
    expect(pasted.body).toMatchObject({ id, status: 'connected' });
    // Its state was consumed by the exchange: the redirect arriving late is a replay, and so is a second paste.
    expect((await h.callback(landing)).body.error.code).toBe('invalid_state');
    const again = await h.call('POST', '/api/v1/oauth/exchange', { connection_id: id, code, state: landing.searchParams.get('state') });
    expect(again.body.error.code).toBe('invalid_state');
  });

  it('refuses tampered, forged, expired and misbound states', async () => {
    const callbackWith = (state: string) => h.call('GET', `/api/v1/oauth/callback?code=x&state=${encodeURIComponent(state)}`, undefined, null);
    const started = await h.authorize({});
    const id = started.body.connection_id;
    const state = new URL(started.body.authorize_url).searchParams.get('state')!;
    const [payload, signature] = state.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, c: 'conn_someone_else' })).toString('base64url');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [`${payload}.${flipped}`, `${forgedPayload}.${signature}`, 'not-a-state', payload]) {
      const res = await callbackWith(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_state');
    }
    // Correctly signed but past its ten minutes.
    const expired = signState(h.rt.vault, { id: claims.i, workspaceId: claims.w, connectionId: claims.c, expiresAt: Date.now() - 1 });
    expect((await callbackWith(expired)).body.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/expired/) });
    // Another workspace cannot spend it, even on a connection of its own.
    const other = await h.rt.workspace('manager');
    expect((await h.call('POST', '/api/v1/oauth/exchange', { connection_id: id, code: 'x', state }, other.apiKey)).status).toBe(404);
    const theirs = (await h.call('POST', '/api/v1/oauth/oidc_test/authorize', {}, other.apiKey)).body.connection_id;
    expect((await h.call('POST', '/api/v1/oauth/exchange', { connection_id: theirs, code: 'x', state }, other.apiKey)).body.error.code).toBe('invalid_state');
    // The genuine state still works after all that (none of the refusals consumed it)…
    expect((await h.callback(await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK }))).status).toBe(200);
    // …and a row whose time ran out in the database is refused even with a valid signature.
    const next = await h.authorize({ connection_id: id });
    const { oauthStates } = await import('../src/db/schema.js');
    await h.rt.database.db.update(oauthStates).set({ expiresAt: new Date(Date.now() - 1000) });
    const stale = await callbackWith(new URL(next.body.authorize_url).searchParams.get('state')!);
    expect(stale.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/expired/) });
  });

  it('accepts only allowlisted return URLs and needs manager for authorize, exchange and disconnect', async () => {
    for (const bad of ['https://app.example.com.evil.net/oauth-done', 'https://evil.net/', 'https://app.example.com/oauth-doneX', 'https://app.example.com@evil.net/oauth-done', 'javascript:alert(1)']) {
      expect((await h.authorize({ return_url: bad })).status, bad).toBe(400);
    }
    expect((await h.authorize({ return_url: `${RETURN_PREFIX}/deep/path` })).status).toBe(200);
    expect((await h.authorize({ return_url: `${PUBLIC_URL}/ui/connections` })).status).toBe(200);

    expect((await h.authorize({}, h.member)).status).toBe(403);
    expect((await h.call('POST', '/api/v1/oauth/exchange', { connection_id: 'conn_x', code: 'x' }, h.member)).status).toBe(403);
    expect((await h.call('POST', '/api/v1/connections/conn_x/disconnect', undefined, h.member)).status).toBe(403);
    expect((await h.call('POST', '/api/v1/oauth/exchange', { connection_id: 'conn_x', code: 'x' }, null)).status).toBe(401);
    const paths = (await h.call('GET', '/api/v1/openapi.json', undefined, null)).body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/oauth/{connector}/authorize', '/api/v1/oauth/callback', '/api/v1/oauth/exchange']));
    expect(paths['/api/v1/oauth/callback'].get.security).toEqual([]);
  });

  it('records a denial at the provider on the connection and sends the browser back with the error', async () => {
    const started = await h.authorize({ return_url: RETURN_PREFIX });
    const done = await h.callback(await authorizeInBrowser(started.body.authorize_url, { stopAt: CALLBACK, deny: true }));
    expect(done.status).toBe(302);
    const back = new URL(done.headers['location'] as string);
    expect(back.searchParams.get('status')).toBe('error');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const connection = (await h.call('GET', `/api/v1/connections/${started.body.connection_id}`)).body;
    expect(connection.status).toBe('error');
    expect(connection.last_sync_error).toMatch(/access_denied.*End-User aborted/);
  });

  it('never puts a token, code or client secret in a response, a log line or a stored row', async () => {
    expect(h.secrets.size).toBeGreaterThan(8);
    expect(h.responses.length).toBeGreaterThan(40);
    await h.expectNoLeaks();
  });
});
