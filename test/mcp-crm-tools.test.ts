import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../src/api/app-deps.js';
import { allTools } from '../src/mcp/all-tools.js';
import { createMcpServer } from '../src/mcp/create-mcp-server.js';
import type { McpCaller } from '../src/mcp/mcp-caller.js';
import { crmTools } from '../src/mcp/tools/crm/index.js';
import { authenticateApiKey } from '../src/services/keys/authenticate-api-key.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * The CRM MCP tools driven through the SDK's Client over an in-memory transport, against the real server
 * (createMcpServer: registration, the audited tools/call handler, role and read-only filtering) with the callers
 * that real API keys authenticate to: every tool of every entity end to end, the product scope (another product's
 * id not_found, a product outside the key forbidden, lists holding nothing else), read-only callers and viewers
 * (hidden tools are a JSON-RPC -32602, not a tool result), cursors and bad arguments.
 */
const entities = [
  { type: 'companies', one: 'company', create: { name: 'Acme Alpha', domain: 'acme-alpha.example' }, update: { phone: '+1 555 0100' }, search: 'acme-al' },
  { type: 'contacts', one: 'contact', create: { name: 'Ada Alpha', email: 'ada@acme-alpha.example', title: 'CTO' }, update: { title: 'CEO' }, search: 'ADA@' },
  { type: 'deals', one: 'deal', create: { name: 'Big renewal', stage: 'proposal', amount: 1200 }, update: { stage: 'won' }, search: 'renew' },
  { type: 'engagements', one: 'engagement', create: { name: 'Security audit', status: 'active' }, update: { status: 'done' }, search: 'audit' },
  { type: 'invoices', one: 'invoice', create: { number: 'INV-100_A', status: 'open', total: 99.5 }, update: { status: 'paid' }, search: '100_a' },
] as const;

describe.each(databaseKinds)('CRM MCP tools on %s', (kind) => {
  let rt: TestRuntime;
  let deps: AppDeps;
  const callers = {} as { owner: McpCaller; alpha: McpCaller; readOnly: McpCaller; viewer: McpCaller };
  const clients: Client[] = [];
  /** Beta's entities (made over REST by the owner), by type. */
  const beta: Record<string, string> = {};

  async function callerOf(key: string): Promise<McpCaller> {
    const identity = await authenticateApiKey(deps, { key, lastUsedWrites: new Map() });
    return { ...identity, actor: { kind: 'api_key', id: identity.keyId } };
  }

  async function connect(caller: McpCaller): Promise<Client> {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(deps, caller).connect(serverSide);
    const client = new Client({ name: 'crm-tools-test', version: '0.0.0' });
    await client.connect(clientSide);
    clients.push(client);
    return client;
  }

  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const ok = (result: CallToolResult) => {
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return result.structuredContent as Record<string, any>;
  };
  const refused = (result: CallToolResult, code: string) => {
    expect(result.isError, JSON.stringify(result.structuredContent)).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(new RegExp(`^${code}: `));
  };

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false });
    deps = { ...rt.services, config: { ...rt.services.config, cronSecret: undefined } };
    const owner = rt.bootstrap!.apiKey;
    const mint = async (body: Record<string, unknown>) => {
      const res = await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: owner, body });
      expect(res.status, res.raw).toBe(201);
      return res.body.key as string;
    };
    callers.owner = await callerOf(owner);
    callers.alpha = await callerOf(await mint({ name: 'alpha', role: 'member', products: ['alpha'] }));
    callers.readOnly = await callerOf(await mint({ name: 'ro', role: 'admin', read_only: true }));
    callers.viewer = await callerOf(await mint({ name: 'viewer', role: 'viewer' }));
    for (const e of entities) {
      const res = await rt.inject({ method: 'POST', url: `/api/v1/${e.type}`, key: owner, body: { ...e.create, product: 'beta', ...(e.type === 'companies' ? { domain: 'beta.example' } : e.type === 'contacts' ? { email: 'b@beta.example' } : {}) } });
      expect(res.status, res.raw).toBe(201);
      beta[e.type] = res.body.id;
    }
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await rt?.stop();
  });

  it('lists the 26 CRM tools among the server\'s, sorted by name, each with input and output schemas, `product`, and truthful annotations', async () => {
    const { tools: listed } = await (await connect(callers.owner)).listTools();
    // The real server lists every tool (connections, data, CRM) sorted by name, whatever order they were written in.
    const names = listed.map((t) => t.name);
    expect(names).toEqual(allTools().map((t) => t.name).sort());
    const expected = [...entities.flatMap((e) => [`search_${e.type}`, `list_${e.type}`, `get_${e.one}`, `create_${e.one}`, `update_${e.one}`]), 'log_activity'];
    const crmNames = new Set(crmTools.map((t) => t.name));
    expect([...crmNames].sort()).toEqual([...expected].sort());
    const tools = listed.filter((t) => crmNames.has(t.name));
    expect(tools.map((t) => t.name)).toEqual([...expected].sort());
    for (const tool of tools) {
      expect(tool.inputSchema.properties, tool.name).toHaveProperty('product');
      expect(tool.outputSchema, tool.name).toBeDefined();
      const reads = /^(search|list|get)_/.test(tool.name);
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: reads, destructiveHint: false, openWorldHint: false });
      expect(tool.annotations?.idempotentHint, tool.name).toBe(reads || tool.name.startsWith('update_'));
    }
    expect(tools.find((t) => t.name === 'list_deals')!.inputSchema.properties).toMatchObject({ limit: { maximum: 100 }, company_id: {}, stage: {} });
  });

  it('drives every tool of every entity: create, get, update, list, search; then log_activity', async () => {
    const client = await connect(callers.owner);
    for (const e of entities) {
      const created = ok(await call(client, `create_${e.one}`, { ...e.create, product: 'alpha' }));
      expect(created).toMatchObject({ ...e.create, product: 'alpha', created_via: 'api' });
      const got = ok(await call(client, `get_${e.one}`, { id: created.id }));
      expect(got).toMatchObject({ id: created.id, sources: [], sources_total: 0 });
      const updated = ok(await call(client, `update_${e.one}`, { id: created.id, ...e.update }));
      expect(updated).toMatchObject({ id: created.id, ...e.update, product: 'alpha' });
      const listed = ok(await call(client, `list_${e.type}`, { product: 'alpha' }));
      expect(listed.items.map((r: { id: string }) => r.id)).toEqual([created.id]);
      expect(listed).toMatchObject({ total: 1, next_cursor: null });
      const found = ok(await call(client, `search_${e.type}`, { query: e.search, product: 'alpha' }));
      expect(found.items.map((r: { id: string }) => r.id), e.type).toEqual([created.id]);
      // Wildcards are literal: `%` finds nothing unless a field holds one.
      expect(ok(await call(client, `search_${e.type}`, { query: '%' })).total).toBe(0);
    }
    const company = ok(await call(client, 'list_companies', { product: 'alpha', domain: 'ACME-ALPHA.example' })).items[0];
    const activity = ok(await call(client, 'log_activity', { activity_type: 'call', title: 'Kick-off call', company_id: company.id, product: 'alpha', metadata: { minutes: 30 } }));
    expect(activity).toMatchObject({ activity_type: 'call', company_id: company.id, product: 'alpha', metadata: { minutes: 30 } });
    // Not idempotent, truthfully: a second create of the same company is a conflict naming the first.
    refused(await call(client, 'create_company', { ...entities[0].create, product: 'alpha' }), 'conflict');
  });

  it('pages with next_cursor; a forged cursor and a huge limit are refused with a clear error', async () => {
    const client = await connect(callers.owner);
    for (let i = 0; i < 3; i++) ok(await call(client, 'create_deal', { name: `Paged deal ${i}`, product: 'paging' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await call(client, 'list_deals', { product: 'paging', limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(page.total).toBe(3);
      seen.push(...page.items.map((r: { id: string }) => r.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(3);
    refused(await call(client, 'list_deals', { cursor: 'not-a-cursor' }), 'invalid_cursor');
    const huge = await call(client, 'list_deals', { limit: 100_000 });
    expect(huge.isError).toBe(true);
    // An argument error stays a tool result (the model can correct itself), naming the field; not clamped.
    expect((huge.content[0] as { text: string }).text).toMatch(/Input validation error[\s\S]*limit/);
    refused(await call(client, 'get_deal', { id: 'dl_nope' }), 'not_found');
    refused(await call(client, 'create_company', { product: 'alpha' }), 'validation_failed');
  });

  it("a product-scoped caller stays in its products: another product's ids not_found, other products forbidden, lists hold nothing else", async () => {
    const client = await connect(callers.alpha);
    for (const e of entities) {
      const listed = ok(await call(client, `list_${e.type}`, { limit: 100 }));
      expect(listed.items.length, e.type).toBeGreaterThan(0);
      expect(listed.items.every((r: { product: string }) => r.product === 'alpha'), e.type).toBe(true);
      expect(ok(await call(client, `search_${e.type}`, { query: e.search.slice(0, 3) })).items.every((r: { product: string }) => r.product === 'alpha')).toBe(true);
      refused(await call(client, `list_${e.type}`, { product: 'beta' }), 'forbidden');
      refused(await call(client, `search_${e.type}`, { query: 'a', product: 'beta' }), 'forbidden');
      refused(await call(client, `get_${e.one}`, { id: beta[e.type] }), 'not_found');
      refused(await call(client, `update_${e.one}`, { id: beta[e.type], ...e.update }), 'not_found');
      refused(await call(client, `create_${e.one}`, { ...e.create, product: 'beta' }), 'forbidden');
    }
    // With one product in scope, a create that names none lands in it.
    const implicit = ok(await call(client, 'create_deal', { name: 'Implicitly alpha' }));
    expect(implicit.product).toBe('alpha');
    // A link to another product's company is refused without saying whether it exists.
    refused(await call(client, 'log_activity', { activity_type: 'note', company_id: beta['companies'] }), 'validation_failed');
    // Nothing of beta changed.
    const owner = await connect(callers.owner);
    expect(ok(await call(owner, 'get_engagement', { id: beta['engagements'] })).status).toBe('active');
  });

  /** A call the server answers with a JSON-RPC error rather than a tool result. */
  const protocolError = async (client: Client, name: string, args: Record<string, unknown>): Promise<McpError> => {
    const error = await client.callTool({ name, arguments: args }).then(
      (result) => expect.fail(`${name} answered with a tool result: ${JSON.stringify(result)}`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code, name).toBe(ErrorCode.InvalidParams);
    return error as McpError;
  };

  it('read-only callers see no mutating tool, calling one is a -32602 saying why, and a mutating tool run anyway refuses them; viewers read', async () => {
    const readOnly = await connect(callers.readOnly);
    const { tools } = await readOnly.listTools();
    const names = tools.map((t) => t.name);
    expect(names.filter((n) => /^(create|update|log)_/.test(n))).toEqual([]);
    // The 15 CRM reads, and the connection and data reads beside them: every tool that changes nothing.
    expect(names.filter((n) => crmTools.some((t) => t.name === n))).toHaveLength(15);
    expect(names).toEqual(allTools().filter((t) => !t.mutates).map((t) => t.name).sort());
    expect((await protocolError(readOnly, 'create_company', { name: 'Sneaky', product: 'alpha' })).message).toMatch(/create_company changes data and this key is read-only/);
    expect((await protocolError(readOnly, 'log_activity', { activity_type: 'note' })).message).toMatch(/read-only/);
    // Hidden means nothing was written.
    expect(ok(await call(readOnly, 'search_companies', { query: 'Sneaky' })).total).toBe(0);
    const create = crmTools.find((t) => t.name === 'create_company')!;
    await expect(create.run({ deps, caller: callers.readOnly, signal: new AbortController().signal }, { name: 'x' })).rejects.toMatchObject({ code: 'read_only_key' });
    const viewer = await connect(callers.viewer);
    expect(ok(await call(viewer, 'list_companies', {})).total).toBeGreaterThan(0);
    expect((await viewer.listTools()).tools.map((t) => t.name)).not.toContain('create_company');
    expect((await protocolError(viewer, 'update_deal', { id: beta['deals'], stage: 'lost' })).message).toMatch(/update_deal needs the member role or above; this key has viewer/);
    expect(ok(await call(viewer, 'get_deal', { id: beta['deals'] })).stage).not.toBe('lost');
  });

  it('an unknown tool is a -32602 naming it, for every caller', async () => {
    for (const caller of [callers.owner, callers.viewer]) {
      const client = await connect(caller);
      expect((await protocolError(client, 'delete_company', { id: beta['companies'] })).message).toMatch(/Unknown tool: delete_company/);
    }
  });
});
