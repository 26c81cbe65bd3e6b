import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { revokeApiKey } from '../src/db/queries/workspaces.js';
import { sweepStaleMcpOauth } from '../src/services/mcp-auth/sweep-stale-mcp-oauth.js';
import { authenticateMcpAccessToken } from '../src/services/mcp-auth/authenticate-access-token.js';
import { freePort } from './support/child-process.js';
import { databaseKinds } from './support/databases.js';
import { formOf, type ConsentForm } from './support/mcp-consent.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * Tributary as the OAuth 2.1 authorization server of its MCP endpoint, driven as an MCP client drives it, over real
 * HTTP on loopback: discovery (RFC 9728, RFC 8414) with oauth4webapi, a client identified by a Client ID Metadata
 * Document served from a loopback server and a client registered dynamically (RFC 7591), the consent page driven
 * with fetch (GET, parse the CSRF token and sealed session, POST), the token endpoint, then the access token checked
 * the way /mcp checks it. Then rotation, reuse, revocation, audience, expiry, PKCE and redirect URI failures.
 */
const REDIRECT = 'http://127.0.0.1/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** A client's metadata document host, as an MCP client vendor would publish it (here on loopback). */
async function startDocumentServer(): Promise<{ server: Server; base: string; host: string; fetches: () => number }> {
  let count = 0;
  let base = '';
  const server = createServer((request, response) => {
    if (request.url === '/client.json') {
      count += 1;
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      response.end(JSON.stringify({ client_id: `${base}/client.json`, client_name: 'Document Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
    } else if (request.url === '/impostor.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ client_id: `${base}/client.json`, client_name: 'Impostor', redirect_uris: [REDIRECT] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return { server, base, host: `127.0.0.1:${port}`, fetches: () => count };
}

/** A JSON answer, loosely typed: the assertions say what it holds. */
const jsonOf = async (response: Response): Promise<any> => response.json();

describe.each(databaseKinds)('MCP authorization server on %s', (kind) => {
  let rt: TestRuntime;
  let docs: Awaited<ReturnType<typeof startDocumentServer>>;
  let publicUrl: string;
  let resource: string;
  let prm: oauth.ResourceServer;
  let as: oauth.AuthorizationServer;
  let owner: string;

  beforeAll(async () => {
    docs = await startDocumentServer();
    // The public URL (the issuer) is fixed when the runtime is built, so the port is chosen first.
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    resource = `${publicUrl}/mcp`;
    rt = await startTestRuntime(kind, { worker: false, allowPrivateHosts: [docs.host], config: { publicUrl } });
    await rt.app!.listen({ port, host: '127.0.0.1' });
    owner = rt.bootstrap!.apiKey;
    // Discovery as an MCP client does it, from the resource URL alone (asserted in the first test).
    prm = await oauth.processResourceDiscoveryResponse(new URL(resource), await oauth.resourceDiscoveryRequest(new URL(resource), insecure));
    const issuer = new URL(prm.authorization_servers![0]!);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });
  afterAll(async () => {
    await rt?.stop();
    await new Promise<void>((resolve) => (docs ? docs.server.close(() => resolve()) : resolve()));
  });

  /** Starts an authorization the way an MCP client does and returns the consent page's form. */
  async function openConsent(clientId: string, extra: Record<string, string> = {}): Promise<{ form: ConsentForm; verifier: string; state: string; html: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource,
      state,
      ...extra,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const page = await fetch(url, { redirect: 'manual' });
    const html = await page.text();
    expect(page.status, html).toBe(200);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { form: formOf(html, cookie), verifier, state, html };
  }

  async function post(form: ConsentForm, fields: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams({ session: form.session, csrf: form.csrf });
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return fetch(`${publicUrl}/oauth2/authorize`, { method: 'POST', body, redirect: 'manual', headers: { cookie: form.cookie } });
  }

  /** Signs in with an API key and approves with the given choices; returns the redirect to the client. */
  async function consent(form: ConsentForm, apiKey: string, choice: Record<string, string | string[]>): Promise<URL> {
    const signedIn = await post(form, { action: 'sign_in', api_key: apiKey });
    const html = await signedIn.text();
    expect(signedIn.status, html).toBe(200);
    const approved = await post(formOf(html, form.cookie), { action: 'approve', ...choice });
    expect(approved.status, await approved.clone().text()).toBe(303);
    return new URL(approved.headers.get('location')!);
  }

  async function authorize(client: oauth.Client, clientAuth: oauth.ClientAuth, apiKey: string, choice: Record<string, string | string[]>): Promise<oauth.TokenEndpointResponse> {
    const { form, verifier, state } = await openConsent(client.client_id);
    const back = await consent(form, apiKey, choice);
    const params = oauth.validateAuthResponse(as, client, back, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, REDIRECT, verifier, { additionalParameters: { resource }, ...insecure });
    return oauth.processAuthorizationCodeResponse(as, client, response);
  }

  const refresh = async (client: oauth.Client, clientAuth: oauth.ClientAuth, token: string) =>
    oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, token, insecure));

  const refused = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    return (error as oauth.ResponseBodyError).error;
  };

  const whoIs = (token: string, now?: Date) => authenticateMcpAccessToken(rt.services, { token, resource, ...(now ? { now } : {}) });

  it('publishes RFC 9728 and RFC 8414 metadata that an OAuth client library accepts', async () => {
    expect(prm).toMatchObject({ resource, authorization_servers: [publicUrl], bearer_methods_supported: ['header'] });
    const root = await jsonOf(await fetch(`${publicUrl}/.well-known/oauth-protected-resource`));
    expect(root.resource).toBe(resource);
    expect(as).toMatchObject({
      issuer: publicUrl,
      authorization_endpoint: `${publicUrl}/oauth2/authorize`,
      token_endpoint: `${publicUrl}/oauth2/token`,
      registration_endpoint: `${publicUrl}/oauth2/register`,
      revocation_endpoint: `${publicUrl}/oauth2/revoke`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      grant_types_supported: ['authorization_code', 'refresh_token'],
    });
    expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']));
  });

  it('a metadata-document client: consent, code, token, the token at /mcp, rotation, and reuse revoking the grant', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const { form, html } = await openConsent(client.client_id);
    expect(html).toContain('Document Client');
    expect(html).toContain('127.0.0.1');
    const tokens = await (async () => {
      const back = await consent(form, owner, { role: 'member', products: 'crm, billing' });
      expect(back.origin + back.pathname).toBe(REDIRECT);
      expect(back.searchParams.get('iss')).toBe(publicUrl);
      return back;
    })();
    // The document was fetched once for the authorize GET (and cached across steps).
    expect(docs.fetches()).toBe(1);
    expect(tokens.searchParams.get('code')).toBeTruthy();

    const issued = await authorize(client, oauth.None(), owner, { role: 'manager', products: '' });
    expect(issued.access_token.startsWith('trb_mat_')).toBe(true);
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'mcp:read mcp:write' });
    expect(docs.fetches()).toBe(1);
    const who = await whoIs(issued.access_token);
    expect(who).toMatchObject({ workspaceId: rt.bootstrap!.workspaceId, keyId: rt.bootstrap!.keyId, role: 'manager', readOnly: false, products: null, clientId: client.client_id });
    expect(who.tokenId).toMatch(/^mcpt_/);

    const rotated = await refresh(client, oauth.None(), issued.refresh_token!);
    expect(rotated.refresh_token).not.toBe(issued.refresh_token);
    expect((await whoIs(rotated.access_token)).role).toBe('manager');
    // The old refresh token is refused, and its reuse revokes the whole grant: the new tokens die with it.
    expect(await refused(refresh(client, oauth.None(), issued.refresh_token!))).toBe('invalid_grant');
    await expect(whoIs(rotated.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(whoIs(issued.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await refused(refresh(client, oauth.None(), rotated.refresh_token!))).toBe('invalid_grant');
  });

  it('a dynamically registered confidential client: read-only products grant, revocation of access then refresh token', async () => {
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [REDIRECT], client_name: 'Registered Client', token_endpoint_auth_method: 'client_secret_basic' }, insecure),
    );
    expect(registered.client_id).toMatch(/^mcpc_/);
    expect(typeof registered.client_secret).toBe('string');
    const client: oauth.Client = { client_id: registered.client_id, token_endpoint_auth_method: 'client_secret_basic' };
    const auth = oauth.ClientSecretBasic(registered.client_secret as string);

    const issued = await authorize(client, auth, owner, { role: 'viewer', read_only: 'on', products: 'crm' });
    expect(issued.scope).toBe('mcp:read');
    const who = await whoIs(issued.access_token);
    expect(who).toMatchObject({ role: 'viewer', readOnly: true, products: ['crm'], clientId: registered.client_id });
    const audit = await listAuditLog(rt.services.db, rt.bootstrap!.workspaceId, (await rt.services.db.query.mcpOauthTokens.findFirst({ where: (t, { eq }) => eq(t.id, who.tokenId) }))!.grantId);
    expect(audit[0]).toMatchObject({ action: 'mcp_oauth.grant_approved', actorKeyId: rt.bootstrap!.keyId, data: { client_id: registered.client_id, role: 'viewer', read_only: true, products: ['crm'] } });

    // A wrong secret is invalid_client (401), never a token.
    const wrong = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic('nope'), issued.refresh_token!, insecure);
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error).toBe('invalid_client');

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, issued.access_token, insecure));
    await expect(whoIs(issued.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
    const again = await refresh(client, auth, issued.refresh_token!);
    expect((await whoIs(again.access_token)).readOnly).toBe(true);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, again.refresh_token!, insecure));
    await expect(whoIs(again.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await refused(refresh(client, auth, again.refresh_token!))).toBe('invalid_grant');
  });

  it('refuses a token presented for another audience, and an expired one', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const issued = await authorize(client, oauth.None(), owner, { role: 'member', products: '' });
    await expect(authenticateMcpAccessToken(rt.services, { token: issued.access_token, resource: 'https://elsewhere.example/mcp' })).rejects.toThrow(/wrong audience/);
    await expect(whoIs(issued.access_token, new Date(Date.now() + 3601_000))).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await whoIs(issued.access_token, new Date(Date.now() + 3500_000))).role).toBe('member');
    // An API key is not an access token, nor is a refresh token.
    await expect(whoIs(owner)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(whoIs(issued.refresh_token!)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('PKCE mismatch is invalid_grant and burns the code; a replayed code revokes its grant', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const { form, verifier, state } = await openConsent(client.client_id);
    const params = oauth.validateAuthResponse(as, client, await consent(form, owner, { role: 'member', products: '' }), state);
    const other = oauth.generateRandomCodeVerifier();
    const exchange = (v: string) => oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, v, insecure).then((r) => oauth.processAuthorizationCodeResponse(as, client, r));
    expect(await refused(exchange(other))).toBe('invalid_grant');
    expect(await refused(exchange(verifier))).toBe('invalid_grant');

    const second = await openConsent(client.client_id);
    const params2 = oauth.validateAuthResponse(as, client, await consent(second.form, owner, { role: 'member', products: '' }), second.state);
    const first = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params2, REDIRECT, second.verifier, insecure));
    expect((await whoIs(first.access_token)).role).toBe('member');
    const replay = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params2, REDIRECT, second.verifier, insecure);
    expect(await refused(oauth.processAuthorizationCodeResponse(as, client, replay))).toBe('invalid_grant');
    await expect(whoIs(first.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('a redirect URI the client did not register gets an error page, never a redirect; a different one at the token endpoint is invalid_grant', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const url = new URL(as.authorization_endpoint!);
    for (const [n, v] of Object.entries({ response_type: 'code', client_id: client.client_id, redirect_uri: 'https://attacker.example/cb', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', resource })) url.searchParams.set(n, v);
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('redirect_uri is not one this client registered');

    const { form, verifier, state } = await openConsent(client.client_id);
    const params = oauth.validateAuthResponse(as, client, await consent(form, owner, { role: 'member', products: '' }), state);
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: 'http://127.0.0.1/other', code_verifier: verifier, client_id: client.client_id });
    const response = await fetch(as.token_endpoint!, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ error: 'invalid_grant' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('errors that can go back to the client do: wrong resource, no PKCE, plain PKCE, unknown scope; access_denied on deny', async () => {
    const client_id = `${docs.base}/client.json`;
    const bounce = async (params: Record<string, string>) => {
      const url = new URL(as.authorization_endpoint!);
      for (const [n, v] of Object.entries({ response_type: 'code', client_id, redirect_uri: REDIRECT, state: 's1', ...params })) url.searchParams.set(n, v);
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s1');
      return location.searchParams.get('error');
    };
    const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
    expect(await bounce({ code_challenge: challenge, code_challenge_method: 'S256', resource: 'https://elsewhere.example/mcp' })).toBe('invalid_target');
    expect(await bounce({ code_challenge: challenge, code_challenge_method: 'S256' })).toBe('invalid_target');
    expect(await bounce({ resource })).toBe('invalid_request');
    expect(await bounce({ code_challenge: challenge, code_challenge_method: 'plain', resource })).toBe('invalid_request');
    expect(await bounce({ code_challenge: challenge, code_challenge_method: 'S256', resource, scope: 'admin' })).toBe('invalid_scope');
    expect(await bounce({ code_challenge: challenge, code_challenge_method: 'S256', resource, response_type: 'token' })).toBe('unsupported_response_type');

    const { form } = await openConsent(client_id);
    const denied = await post(form, { action: 'deny' });
    expect(denied.status).toBe(303);
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('the consent page: CSP and no framing, CSRF enforced, bad keys and choices above the key refused', async () => {
    const { form } = await openConsent(`${docs.base}/client.json`);
    const page = await fetch(`${publicUrl}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: `${docs.base}/client.json`, redirect_uri: REDIRECT, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256', resource })}`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

    expect((await post({ ...form, cookie: '' }, { action: 'sign_in', api_key: owner })).status).toBe(403);
    expect((await post({ ...form, csrf: 'forged' }, { action: 'sign_in', api_key: owner })).status).toBe(403);
    expect((await post({ ...form, session: `${form.session}x` }, { action: 'sign_in', api_key: owner })).status).toBe(400);
    const badKey = await post(form, { action: 'sign_in', api_key: 'trb_not_a_key' });
    expect(badKey.status).toBe(401);
    expect(await badKey.text()).toContain('not valid');
    // Approving without signing in is refused.
    expect((await post(form, { action: 'approve', role: 'owner' })).status).toBe(400);

    const member = await rt.workspace('member');
    const signedIn = await post(form, { action: 'sign_in', api_key: member.apiKey });
    const html = await signedIn.text();
    expect(html).not.toContain('value="owner"');
    const above = await post(formOf(html, form.cookie), { action: 'approve', role: 'admin' });
    expect(above.status).toBe(400);
    expect(await above.text()).toContain('may not exceed');
    const within = await post(formOf(html, form.cookie), { action: 'approve', role: 'member', products: '' });
    expect(within.status).toBe(303);
  });

  it('dynamic registration validates redirect URIs and metadata; the token endpoint answers RFC 6749 errors, never a 500', async () => {
    const register = (body: unknown) => fetch(as.registration_endpoint!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const plainHttp = await register({ redirect_uris: ['http://app.example/cb'] });
    expect(plainHttp.status).toBe(400);
    expect((await jsonOf(plainHttp)).error).toBe('invalid_redirect_uri');
    expect((await jsonOf(await register({ redirect_uris: ['https://app.example/cb#frag'] }))).error).toBe('invalid_redirect_uri');
    expect((await jsonOf(await register({}))).error).toBe('invalid_redirect_uri');
    expect((await jsonOf(await register({ redirect_uris: ['https://app.example/cb'], grant_types: ['client_credentials'] }))).error).toBe('invalid_client_metadata');
    const publicClient = await register({ redirect_uris: ['http://[::1]:8123/cb', 'https://app.example/cb'], token_endpoint_auth_method: 'none', client_name: 'Native' });
    expect(publicClient.status).toBe(201);
    const body = await jsonOf(publicClient);
    expect(body.client_secret).toBeUndefined();

    const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(as.token_endpoint!, { method: 'POST', body: new URLSearchParams(form), headers });
    const unknownGrant = await token({ grant_type: 'password', client_id: body.client_id });
    expect(await jsonOf(unknownGrant)).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await jsonOf(await token({ grant_type: 'authorization_code', client_id: 'mcpc_nobody' }))).error).toBe('invalid_client');
    expect((await jsonOf(await token({ grant_type: 'refresh_token', client_id: body.client_id, refresh_token: 'trb_mrt_bogus' }))).error).toBe('invalid_grant');
    const json = await fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"refresh_token"}' });
    expect(json.status).toBe(400);
    expect((await jsonOf(json)).error).toBe('invalid_request');
    const text = await fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=refresh_token' });
    expect(text.status).toBe(415);
    expect((await jsonOf(text)).error).toBe('invalid_request');
    const badJson = await fetch(as.registration_endpoint!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris":' });
    expect(badJson.status).toBe(400);
    expect((await jsonOf(badJson)).error).toBe('invalid_client_metadata');
    const duplicated = await fetch(as.token_endpoint!, { method: 'POST', body: 'grant_type=refresh_token&grant_type=authorization_code' , headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await jsonOf(duplicated)).error).toBe('invalid_request');
  });

  it('metadata documents are checked: another client_id inside, a host the operator did not allow', async () => {
    const url = new URL(as.authorization_endpoint!);
    const params = { response_type: 'code', redirect_uri: REDIRECT, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256', resource };
    const impostor = new URL(url);
    for (const [n, v] of Object.entries({ ...params, client_id: `${docs.base}/impostor.json` })) impostor.searchParams.set(n, v);
    const refusedImpostor = await fetch(impostor, { redirect: 'manual' });
    expect(refusedImpostor.status).toBe(400);
    expect(await refusedImpostor.text()).toContain('names another client_id');
    const notAllowed = new URL(url);
    for (const [n, v] of Object.entries({ ...params, client_id: 'http://127.0.0.1:1/client.json' })) notAllowed.searchParams.set(n, v);
    const refusedHost = await fetch(notAllowed, { redirect: 'manual' });
    expect(refusedHost.status).toBe(400);
    expect(refusedHost.headers.get('location')).toBeNull();
  });

  it("the MCP SDK's own client: discovery, dynamic registration, consent, code exchange and refresh", async () => {
    let information: OAuthClientInformationMixed | undefined;
    let tokens: OAuthTokens | undefined;
    let verifier = '';
    let authorizationUrl: URL | undefined;
    const provider: OAuthClientProvider = {
      redirectUrl: REDIRECT,
      clientMetadata: { client_name: 'SDK Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
      clientInformation: () => information,
      saveClientInformation: (info) => {
        information = info;
      },
      tokens: () => tokens,
      saveTokens: (t) => {
        tokens = t;
      },
      redirectToAuthorization: (url) => {
        authorizationUrl = url;
      },
      saveCodeVerifier: (v) => {
        verifier = v;
      },
      codeVerifier: () => verifier,
    };
    expect(await auth(provider, { serverUrl: resource })).toBe('REDIRECT');
    expect(authorizationUrl!.searchParams.get('resource')).toBe(resource);
    const page = await fetch(authorizationUrl!, { redirect: 'manual' });
    const html = await page.text();
    expect(page.status, html).toBe(200);
    const back = await consent(formOf(html, (page.headers.get('set-cookie') ?? '').split(';')[0]!), owner, { role: 'member', products: '' });
    expect(await auth(provider, { serverUrl: resource, authorizationCode: back.searchParams.get('code')! })).toBe('AUTHORIZED');
    expect(await whoIs(tokens!.access_token)).toMatchObject({ role: 'member', clientId: information!.client_id });
    // With tokens saved, the SDK refreshes rather than asking again.
    const first = tokens!;
    expect(await auth(provider, { serverUrl: resource })).toBe('AUTHORIZED');
    expect(tokens!.refresh_token).not.toBe(first.refresh_token);
    expect((await whoIs(tokens!.access_token)).role).toBe('member');
  });

  it('a grant lives no longer than the API key that approved it', async () => {
    const admin = await rt.workspace('admin');
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const issued = await authorize(client, oauth.None(), admin.apiKey, { role: 'admin', products: '' });
    expect(await whoIs(issued.access_token)).toMatchObject({ workspaceId: admin.workspaceId, dataSchema: admin.dataSchema, role: 'admin' });
    await revokeApiKey(rt.services.db, admin.workspaceId, admin.keyId);
    await expect(whoIs(issued.access_token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('paces dynamic registration per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await fetch(as.registration_endpoint!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }) });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await jsonOf(response)).toMatchObject({ error: 'too_many_requests' });
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(20);
  });

  it('keeps tokens, codes and API keys out of the logs', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const issued = await authorize(client, oauth.None(), owner, { role: 'member', products: '' });
    const logs = rt.logLines.join('\n');
    expect(logs).not.toContain(issued.access_token);
    expect(logs).not.toContain(issued.refresh_token);
    expect(logs).not.toContain(owner);
  });

  it('sweeps what is stale and nothing live', async () => {
    const client: oauth.Client = { client_id: `${docs.base}/client.json`, token_endpoint_auth_method: 'none' };
    const issued = await authorize(client, oauth.None(), owner, { role: 'member', products: '' });
    const db = rt.services.db;
    const grants = async () => (await db.query.mcpOauthGrants.findMany()).length;
    const before = await grants();
    await sweepStaleMcpOauth(rt.services, new Date(Date.now() + 2 * 24 * 3600_000));
    // Two days on, the revoked grants are gone; the live one (its refresh token has 30 days) is kept.
    expect(await grants()).toBeLessThan(before);
    expect(await grants()).toBeGreaterThan(0);
    expect((await refresh(client, oauth.None(), issued.refresh_token!)).access_token).toMatch(/^trb_mat_/);
    await sweepStaleMcpOauth(rt.services, new Date(Date.now() + 32 * 24 * 3600_000));
    expect(await grants()).toBe(0);
    expect(await db.query.mcpOauthTokens.findMany()).toEqual([]);
  });
});
