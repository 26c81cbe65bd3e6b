import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxOAuth } from './oauth-server.js';
import { bearerOf } from './request-body.js';
import { startSandboxServer, type SandboxServer } from './server.js';

/** The shared sandbox authorization server over real HTTP: code + PKCE, refresh rotation, expiry, revocation. */
describe('SandboxOAuth', () => {
  const oauth = new SandboxOAuth({
    clientId: 'app',
    clientSecret: 'app-secret',
    paths: { authorize: '/authorize', token: '/token', revoke: '/revoke' },
    rotateRefreshTokens: true,
    redirectParams: () => ({ realmId: '4620816365' }),
  });
  let server: SandboxServer;
  const redirectUri = 'http://127.0.0.1:1/callback';
  const verifier = 'a-very-long-code-verifier-with-enough-entropy-0123456789';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  beforeAll(async () => {
    server = await startSandboxServer({
      port: 0,
      provider: {
        oauth,
        handle: (req) => (oauth.accepts(bearerOf(req)) ? { status: 200, body: { ok: true } } : { status: 401, body: { error: 'bad token' } }),
        renderFault: () => ({ status: 500 }),
        applyChanges: () => ({}),
        info: () => ({}),
      },
    });
  });
  afterAll(() => server.close());

  const authorize = async () => {
    const url = new URL(`${server.url}/authorize`);
    for (const [k, v] of Object.entries({ client_id: 'app', redirect_uri: redirectUri, response_type: 'code', state: 's1', scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  };
  const token = (params: Record<string, string>, basic = true) =>
    fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(basic ? { authorization: `Basic ${Buffer.from('app:app-secret').toString('base64')}` } : {}) },
      body: new URLSearchParams(params),
    });
  const api = (accessToken: string) => fetch(`${server.url}/data`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status);

  it('issues a code on the redirect (with the vendor extras), trades it once with the PKCE verifier', async () => {
    const back = await authorize();
    expect(back.searchParams.get('state')).toBe('s1');
    expect(back.searchParams.get('realmId')).toBe('4620816365');
    const code = back.searchParams.get('code')!;
    const wrongVerifier = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: 'nope' });
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    // The failed attempt used the code up, as providers do.
    const again = await authorize();
    const ok = await token({ grant_type: 'authorization_code', code: again.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    expect(await api(body.access_token)).toBe(200);
    const reused = await token({ grant_type: 'authorization_code', code: again.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
    expect(reused.status).toBe(400);
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const res = await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'app', client_secret: 'wrong' }, false);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('expires access tokens on demand; a rotating refresh works once; revocation ends the grant', async () => {
    const back = await authorize();
    const first = (await (await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier })).json()) as { access_token: string; refresh_token: string };
    expect(oauth.expireAccessTokens()).toBeGreaterThan(0);
    expect(await api(first.access_token)).toBe(401);
    const refreshed = (await (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).json()) as { access_token: string; refresh_token: string };
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    expect(await api(refreshed.access_token)).toBe(200);
    expect((await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(400);
    const revoked = await fetch(`${server.url}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: refreshed.refresh_token }) });
    expect(revoked.status).toBe(200);
    expect(await api(refreshed.access_token)).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token })).status).toBe(400);
  });

  it('shows an unknown client an error page instead of redirecting', async () => {
    const res = await fetch(`${server.url}/authorize?client_id=other&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
  });
});
