import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const publicUrl = 'http://127.0.0.1:3000';
const rpcHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const json = (response: Response): Promise<any> => response.json();

/** The JSON-RPC message of a response, whether the server answered as JSON or as one SSE event. */
async function rpcBody(response: Response): Promise<any> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const data = text.split('\n').find((line) => line.startsWith('data: ') && line.length > 7);
    return JSON.parse(data!.slice(6));
  }
  return JSON.parse(text);
}

describe.each(databaseKinds)('MCP transports (%s)', (kind) => {
  let runtime: TestRuntime;
  let base: string;
  let key: string;
  // The rate limit's clock: the wall clock, held still while the rate-limit test spends a bucket (a slow machine
  // would otherwise refill it as fast as the test drains it).
  let heldAt: number | undefined;

  beforeAll(async () => {
    runtime = await startTestRuntime(kind, {
      worker: false,
      config: { publicUrl, mcp: { allowedOrigins: ['https://claude.example'], requestsPerMinute: 40, conformanceFixtures: true, now: () => heldAt ?? Date.now() } },
    });
    const address = await runtime.app!.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('localhost', '127.0.0.1');
    key = (await runtime.workspace('owner')).apiKey;
  }, 120_000);

  let stopped = false;
  afterAll(async () => {
    if (!stopped) await runtime?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/mcp`, { method: 'POST', headers: { ...rpcHeaders, authorization: `Bearer ${key}`, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('Streamable HTTP: the SDK client initializes a session, lists tools and calls one', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', content: { type: 'text', text: 'sampled' }, model: 'm' }));
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.getServerVersion()?.name).toBe('tributary');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_simple_text');
    const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    // A server-to-client request inside a call needs the session: the client answers on a second POST.
    const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hello' } });
    expect(sampled.content).toEqual([{ type: 'text', text: 'LLM response: sampled' }]);
    // 2025-11-25 streams start with a priming event (id, retry) so a dropped stream can resume with Last-Event-ID.
    const primed = await post({ jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} }, { 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25' });
    expect(await primed.text()).toMatch(/^id: \S+\nretry: 1000\ndata: \n/);
    await transport.terminateSession();
    await client.close();
  });

  it('the JSON-RPC endpoints stay out of the REST OpenAPI document', async () => {
    const doc = await runtime.inject<{ paths: Record<string, unknown> }>({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/mcp'))).toEqual([]);
  });

  it('older revisions still negotiate: a 2024-11-05 initialize gets 2024-11-05', async () => {
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'old', version: '0' } } });
    expect(init.status).toBe(200);
    expect((await rpcBody(init)).result.protocolVersion).toBe('2024-11-05');
  });

  it('Streamable HTTP: another credential cannot use a session it did not open', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    const other = (await runtime.workspace('owner')).apiKey;
    const response = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${other}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25' });
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject({ code: -32001, data: { code: 'not_found' } });
    await client.close();
  });

  it('stateless: tools/list and server/discover without initialize, X-API-Key accepted', async () => {
    const list = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...rpcHeaders, 'x-api-key': key }, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} }) });
    expect(list.status).toBe(200);
    expect(list.headers.get('mcp-session-id')).toBeNull();
    const listed = await rpcBody(list);
    expect(listed.id).toBe(7);
    expect(listed.result.tools.map((t: { name: string }) => t.name)).toContain('test_simple_text');
    const discover = await rpcBody(await post({ jsonrpc: '2.0', id: 8, method: 'server/discover', params: {} }));
    expect(discover.result.supportedVersions).toContain('2025-11-25');
    expect(discover.result.serverInfo.name).toBe('tributary');
    expect(discover.result.capabilities.tools).toBeDefined();
  });

  it('legacy HTTP+SSE: the SDK SSE client lists tools and calls one', async () => {
    const client = new Client({ name: 'legacy', version: '1.0.0' });
    const headers = { authorization: `Bearer ${key}` };
    const transport = new SSEClientTransport(new URL(`${base}/mcp/sse`), {
      requestInit: { headers },
      eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_simple_text');
    const result = await client.callTool({ name: 'test_error_handling', arguments: {} });
    expect(result.isError).toBe(true);
    await client.close();
  });

  it('no credential or a bad one: 401 with the protected-resource metadata URL, and no key in the answer', async () => {
    const none = await fetch(`${base}/mcp`, { method: 'POST', headers: rpcHeaders, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect((await json(none)).error.data.code).toBe('unauthorized');
    const bad = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: 'Bearer trb_not_a_real_key_0123456789' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await bad.text()).not.toContain('trb_not_a_real_key');
    const badToken = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: 'Bearer trb_mat_forged' });
    expect(badToken.status).toBe(401);
    const sse = await fetch(`${base}/mcp/sse`, { headers: { accept: 'text/event-stream' } });
    expect(sse.status).toBe(401);
    expect(sse.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('Origin: a foreign origin is refused before authentication; the public and allowed origins pass', async () => {
    const foreign = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'http://evil.example.com' });
    expect(foreign.status).toBe(403);
    expect((await json(foreign)).error.data.code).toBe('forbidden');
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'null' })).status).toBe(403);
    for (const origin of [publicUrl, 'https://claude.example']) {
      const ok = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { origin });
      expect(ok.status).toBe(200);
      expect((await rpcBody(ok)).result).toEqual({});
    }
  });

  it('bad input: malformed JSON, a forbidden batch, an invalid message, an unknown method, a wrong content type, a huge body', async () => {
    const malformed = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe(-32700);
    const batch = await post([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 2, method: 'ping' }], { 'mcp-protocol-version': '2025-11-25' });
    expect(batch.status).toBe(400);
    expect((await json(batch)).error.code).toBe(-32600);
    const notRpc = await post({ hello: 'world' });
    expect(notRpc.status).toBe(400);
    expect((await json(notRpc)).error.code).toBeLessThan(-32000);
    const unknown = await post({ jsonrpc: '2.0', id: 3, method: 'tools/frobnicate', params: {} });
    expect(unknown.status).toBe(200);
    expect((await rpcBody(unknown)).error.code).toBe(-32601);
    const unknownTool = await rpcBody(await post({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }));
    expect(unknownTool.result?.isError ?? unknownTool.error?.code === -32602).toBeTruthy();
    const text = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...rpcHeaders, 'content-type': 'text/plain', authorization: `Bearer ${key}` }, body: 'ping' });
    expect(text.status).toBe(415);
    expect((await json(text)).error.data.code).toBe('unsupported_media_type');
    const huge = await post({ jsonrpc: '2.0', id: 5, method: 'ping', params: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await json(huge)).error.data.code).toBe('payload_too_large');
    const get = await fetch(`${base}/mcp`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${key}` } });
    expect(get.status).toBe(405);
  });

  it('rate limit per credential: 429 with Retry-After and a JSON-RPC error, other keys unaffected', async () => {
    const own = (await runtime.workspace('owner')).apiKey;
    heldAt = Date.now();
    onTestFinished(() => {
      heldAt = undefined;
    });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const response = await post({ jsonrpc: '2.0', id: i, method: 'ping' }, { authorization: `Bearer ${own}` });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(limited, `statuses: ${statuses.join(',')}`).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(39);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited!)).error).toMatchObject({ code: -32000, data: { code: 'rate_limited' } });
    const other = await post({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(other.status).toBe(200);
  });
  it('a graceful stop ends open sessions and streams instead of waiting on them', async () => {
    const streaming = new Client({ name: 'open', version: '1.0.0' });
    await streaming.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    const legacy = new Client({ name: 'open-legacy', version: '1.0.0' });
    const headers = { authorization: `Bearer ${key}` };
    await legacy.connect(
      new SSEClientTransport(new URL(`${base}/mcp/sse`), {
        requestInit: { headers },
        eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
      }),
    );
    const t0 = Date.now();
    stopped = true;
    await runtime.stop();
    expect(Date.now() - t0).toBeLessThan(10_000);
    await Promise.all([streaming.close(), legacy.close()]);
  }, 30_000);
});
