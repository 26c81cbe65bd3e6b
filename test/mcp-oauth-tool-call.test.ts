import { eq } from 'drizzle-orm';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/core/api-key-hash.js';
import { mcpOauthGrants, mcpOauthTokens } from '../src/db/mcp-oauth-schema.js';
import { allTools } from '../src/mcp/all-tools.js';
import { freePort } from './support/child-process.js';
import { databaseKinds } from './support/databases.js';
import { httpMcpClient, protocolError } from './support/mcp-clients.js';
import { approveInBrowser, MemoryOAuthProvider } from './support/mcp-consent.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * OAuth from an MCP client's first request to a tool call, over real HTTP on loopback: /mcp answers 401 with its
 * protected-resource metadata; the SDK's own client discovers the authorization server from it, registers
 * dynamically, sends the person to the consent page (driven here with fetch), exchanges the code and calls tools
 * with the access token. Then what the token may do: refresh, revocation, audience, expiry, a read-only grant and
 * a product-scoped one; and a read-only API key over the same transport.
 */
const mutating = allTools()
  .filter((t) => t.mutates)
  .map((t) => t.name);

function structured<T = any>(result: CallToolResult | Record<string, unknown>): T {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as T;
}


describe.each(databaseKinds)('OAuth to an MCP tool call on %s', (kind) => {
  let rt: TestRuntime;
  let publicUrl: string;
  let resource: string;
  let owner: string;
  const acmeIds: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    // The public URL (the issuer and the token audience) is fixed when the runtime is built: the port comes first.
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    resource = `${publicUrl}/mcp`;
    rt = await startTestRuntime(kind, { worker: false, config: { publicUrl, mcp: { allowedOrigins: [], requestsPerMinute: 10_000, conformanceFixtures: false } } });
    await rt.app!.listen({ port, host: '127.0.0.1' });
    owner = rt.bootstrap!.apiKey;
    for (const [name, product] of [
      ['Acme One', 'acme'],
      ['Acme Two', 'acme'],
      ['Globex', 'globex'],
      ['Untagged', undefined],
    ] as const) {
      const created = await rt.inject<{ id: string }>({ method: 'POST', url: '/api/v1/companies', key: owner, body: { name, ...(product ? { product } : {}) } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (product === 'acme') acmeIds.push(created.body.id);
    }
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await rt?.stop();
  });

  const connectWith = async (accessToken: string) => {
    const client = await httpMcpClient(publicUrl, accessToken);
    clients.push(client);
    return client;
  };

  /** A bare request to /mcp with a bearer token: its HTTP status and WWW-Authenticate. */
  const ping = async (accessToken?: string) => {
    const response = await fetch(resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '' };
  };

  /**
   * The whole flow as an MCP client runs it with the SDK: connect without a token (401), discovery, registration and
   * the redirect happen inside the transport; the person approves; finishAuth exchanges the code; connect again.
   */
  async function authorizeAsMcpClient(choice: Record<string, string>): Promise<{ client: Client; provider: MemoryOAuthProvider }> {
    const provider = new MemoryOAuthProvider();
    const first = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
    await expect(new Client({ name: 'oauth-client', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(resource);
    const code = await approveInBrowser(provider.authorizationUrl!, owner, choice);
    await first.finishAuth(code);
    expect(provider.saved?.access_token).toMatch(/^trb_mat_/);
    const client = new Client({ name: 'oauth-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
    clients.push(client);
    return { client, provider };
  }

  it('discovery from the 401 at /mcp, consent, token, then tools called with the access token; a refreshed token works too', async () => {
    // What the client sees first: 401 and where the protected-resource metadata is; from there, the authorization server.
    const refused = await ping();
    expect(refused.status).toBe(401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.challenge)?.[1];
    expect(metadataUrl).toBe(`${publicUrl}/.well-known/oauth-protected-resource/mcp`);
    const prm = (await (await fetch(metadataUrl!)).json()) as { resource: string; authorization_servers: string[] };
    expect(prm.resource).toBe(resource);
    const as = (await (await fetch(`${prm.authorization_servers[0]}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(as).toMatchObject({ issuer: publicUrl, registration_endpoint: `${publicUrl}/oauth2/register`, token_endpoint: `${publicUrl}/oauth2/token` });

    const { client, provider } = await authorizeAsMcpClient({ role: 'member', products: '' });
    expect(provider.information?.client_id).toMatch(/^mcpc_/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_companies', 'create_company', 'list_connections']));
    const listed = structured(await client.callTool({ name: 'list_companies', arguments: {} }));
    expect(listed.items.map((c: { name: string }) => c.name).sort()).toEqual(['Acme One', 'Acme Two', 'Globex', 'Untagged']);
    const created = structured(await client.callTool({ name: 'create_company', arguments: { name: 'Made over OAuth', product: 'acme' } }));
    expect(created).toMatchObject({ name: 'Made over OAuth', product: 'acme' });
    acmeIds.push(created.id);

    // With tokens saved, the SDK refreshes (rotation) rather than asking again; the new access token calls tools.
    const before = provider.saved!;
    expect(await auth(provider, { serverUrl: resource })).toBe('AUTHORIZED');
    expect(provider.saved!.access_token).not.toBe(before.access_token);
    expect(provider.saved!.refresh_token).not.toBe(before.refresh_token);
    const refreshed = await connectWith(provider.saved!.access_token);
    expect(structured(await refreshed.callTool({ name: 'get_company', arguments: { id: created.id } }))).toMatchObject({ id: created.id });
    expect(rt.logLines.join('\n')).not.toContain(provider.saved!.access_token);
  });

  it('a revoked access token, one for another audience and an expired one are 401 at /mcp', async () => {
    const revoked = await authorizeAsMcpClient({ role: 'member', products: '' });
    const token = revoked.provider.saved!.access_token;
    expect((await ping(token)).status).toBe(200);
    const revocation = await fetch(`${publicUrl}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token, client_id: revoked.provider.information!.client_id }) });
    expect(revocation.status).toBe(200);
    const afterRevocation = await ping(token);
    expect(afterRevocation.status).toBe(401);
    expect(afterRevocation.challenge).toContain('error="invalid_token"');
    await expect(connectWith(token)).rejects.toThrow(/401|unauthorized|invalid/i);

    // The authorization server only issues tokens for its own resource; a token minted for another (here: its grant
    // bound to another resource, as another server's token would be) is refused for the audience.
    const foreign = (await authorizeAsMcpClient({ role: 'member', products: '' })).provider.saved!.access_token;
    expect((await ping(foreign)).status).toBe(200);
    const db = rt.services.db;
    const [row] = await db.select().from(mcpOauthTokens).where(eq(mcpOauthTokens.hash, hashToken(foreign)));
    await db.update(mcpOauthGrants).set({ resource: 'https://elsewhere.example/mcp' }).where(eq(mcpOauthGrants.id, row!.grantId));
    expect((await ping(foreign)).status).toBe(401);

    const expiring = (await authorizeAsMcpClient({ role: 'member', products: '' })).provider.saved!.access_token;
    expect((await ping(expiring)).status).toBe(200);
    await db.update(mcpOauthTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(mcpOauthTokens.hash, hashToken(expiring)));
    const expired = await ping(expiring);
    expect(expired.status).toBe(401);
    expect(expired.challenge).toContain('resource_metadata=');
  });

  it('a read-only grant sees no mutating tool and cannot call one', async () => {
    const { client, provider } = await authorizeAsMcpClient({ role: 'member', read_only: 'on', products: '' });
    expect(provider.saved!.scope).toBe('mcp:read');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('list_companies');
    expect(names.filter((n) => mutating.includes(n))).toEqual([]);
    const refused = await protocolError(client.callTool({ name: 'create_company', arguments: { name: 'Nope' } }));
    expect(refused.code).toBe(-32602);
    expect(refused.message).toContain('read-only');
    expect(structured(await client.callTool({ name: 'list_companies', arguments: {} })).items.length).toBeGreaterThan(0);
  });

  it("a product-scoped grant sees only its product's CRM rows", async () => {
    const { client } = await authorizeAsMcpClient({ role: 'member', products: 'acme' });
    const listed = structured(await client.callTool({ name: 'list_companies', arguments: {} }));
    expect(listed.items.map((c: { id: string }) => c.id).sort()).toEqual([...acmeIds].sort());
    expect(listed.items.every((c: { product: string }) => c.product === 'acme')).toBe(true);
    const globex = structured(await client.callTool({ name: 'search_companies', arguments: { query: 'Globex' } }));
    expect(globex.items).toEqual([]);
  });

  it('a read-only API key over Streamable HTTP sees no mutating tool and gets -32602 calling one', async () => {
    const minted = await rt.inject<{ key: string; read_only: boolean }>({ method: 'POST', url: '/api/v1/api-keys', key: owner, body: { name: 'agent', role: 'member', read_only: true } });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    expect(minted.body.read_only).toBe(true);
    const client = await connectWith(minted.body.key);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => mutating.includes(n))).toEqual([]);
    for (const name of ['create_company', 'start_sync']) {
      const refused = await protocolError(client.callTool({ name, arguments: {} }));
      expect(refused.code, name).toBe(-32602);
      expect(refused.message, name).toContain('read-only');
    }
    expect(structured(await client.callTool({ name: 'list_companies', arguments: {} })).items.length).toBeGreaterThan(0);
  });
});
