import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/api/app-deps.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../src/db/schema.js';
import { allTools } from '../src/mcp/all-tools.js';
import { createMcpServer } from '../src/mcp/create-mcp-server.js';
import type { McpCaller } from '../src/mcp/mcp-caller.js';
import { connectionsPerResourcePage } from '../src/mcp/resources/list-stream-resources.js';
import { authenticateApiKey } from '../src/services/keys/authenticate-api-key.js';
import { databaseKinds, testDatabaseUrl, type DatabaseKind } from './support/databases.js';
import { install, insertPendingRun, syncAndWait } from './support/run-helpers.js';
import { apiKeyFor, httpMcpClient, protocolError, stdioBridgeMcpClient, stdioMcpClient } from './support/mcp-clients.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const TOKEN = 'ghp_mcp_tools_secret_token_0123456789';

/** What a test gets back: a connected SDK client and the actor the server will record for its calls. */
interface Connected {
  client: Client;
  actor: { kind: 'api_key' | 'oauth_token'; id: string; clientId?: string };
}

/** What every transport needs from the shared runtime. */
interface Target {
  deps: AppDeps;
  /** The runtime's listening HTTP server, e.g. http://127.0.0.1:41234. */
  base: string;
  /** The environment a `tributary mcp` process needs to open the runtime's own database (PostgreSQL only). */
  databaseEnv: Record<string, string>;
}

/**
 * How a test reaches the server for a caller: in memory (the caller as given), or over a real transport with a real
 * API key minted with the caller's workspace, role, read-only flag and products (the server then records that key
 * as the actor). Remote clients are cached per caller scope so the stdio bridge spawns a handful of processes.
 */
type ConnectClient = (target: Target, caller: McpCaller) => Promise<Connected>;

const inMemoryClient: ConnectClient = async ({ deps }, caller) => {
  const server = createMcpServer(deps, caller);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'mcp-tools-test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, actor: caller.actor };
};

function remoteClient(open: (target: Target, apiKey: string) => Promise<Client>): ConnectClient {
  const cache = new Map<string, Promise<Connected>>();
  return (target, caller) => {
    const scope = JSON.stringify([target.base, caller.workspaceId, caller.role, caller.readOnly, caller.products, caller.actor.id]);
    let connected = cache.get(scope);
    if (!connected) {
      connected = (async () => {
        const { apiKey, keyId } = await apiKeyFor(target.deps, caller);
        return { client: await open(target, apiKey), actor: { kind: 'api_key' as const, id: keyId } };
      })();
      cache.set(scope, connected);
    }
    return connected;
  };
}

const transports: [string, ConnectClient][] = [
  ['in-memory', inMemoryClient],
  ['Streamable HTTP', remoteClient((target, apiKey) => httpMcpClient(target.base, apiKey))],
  ['stdio (tributary mcp --url)', remoteClient(async (target, apiKey) => (await stdioBridgeMcpClient(target.base, apiKey)).client)],
];

/**
 * Direct mode (`tributary mcp --key`, the process opens the database itself) shares the test's database only on
 * PostgreSQL: an embedded PGlite folder serves one process, and the runtime holds it (mcp-transport-stdio.test.ts
 * covers direct mode on PGlite by stopping its runtime first).
 */
const directStdioClient = remoteClient(async (target, apiKey) => (await stdioMcpClient(['--key', apiKey], target.databaseEnv)).client);

function transportsFor(kind: DatabaseKind): [string, ConnectClient][] {
  return kind === 'postgres' ? [...transports, ['stdio (tributary mcp, direct to the database)', directStdioClient]] : transports;
}

/** The structured result of a successful call (and the text block must be the same JSON). */
function ok<T = any>(result: CallToolResult | Record<string, unknown>): T {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  const text = r.content[0];
  expect(text?.type).toBe('text');
  expect(JSON.parse((text as { text: string }).text)).toEqual(r.structuredContent);
  return r.structuredContent as T;
}

/** The error text of a tool error result. */
function toolErrorText(result: CallToolResult | Record<string, unknown>): string {
  const r = result as CallToolResult;
  expect(r.isError).toBe(true);
  return (r.content[0] as { text: string }).text;
}


describe.each(databaseKinds)('MCP tools, resources and prompts on %s', (kind) => {
  // One synced runtime per database, shared by every transport: the tests below leave it as they found it, or
  // account for what an earlier transport's run changed (the latest run, the companies they create).
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let target: Target;
  let deps: AppDeps;
  let key: string;
  let owner: McpCaller;
  let ownConnection: string;
  let acmeConnection: string;
  let firstRunId: string;
  let latestOwnRunId: string;

  const callerOf = async (apiKey: string): Promise<McpCaller> => {
    const identity = await authenticateApiKey(deps, { key: apiKey, lastUsedWrites: new Map() });
    return { ...identity, actor: { kind: 'api_key', id: identity.keyId } };
  };

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 60, seed: 15, token: TOKEN });
    rt = await startTestRuntime(kind, {
      allowPrivateHosts: [new URL(sandbox.url).host],
      // Polling a run and paging a stream are many calls a minute from one key.
      config: { mcp: { allowedOrigins: [], requestsPerMinute: 100_000, conformanceFixtures: false } },
    });
    deps = { ...rt.services, config: { ...rt.services.config, cronSecret: undefined } };
    const base = (await rt.app!.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    target = {
      deps,
      base,
      databaseEnv: { DATABASE_URL: testDatabaseUrl ?? '', TRIBUTARY_DB_SCHEMA: rt.schema, TRIBUTARY_ENCRYPTION_KEYS: rt.config.encryptionKeys!, LOG_LEVEL: 'warn' },
    };
    key = rt.bootstrap!.apiKey;
    owner = await callerOf(key);
    ownConnection = await install(rt, key, 'github', { name: 'own', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    acmeConnection = await install(rt, key, 'github', { name: 'acme', product: 'acme', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    const run = await syncAndWait(rt, key, ownConnection, { full_refresh: true });
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    firstRunId = run.id;
    latestOwnRunId = run.id;
  }, 240_000);
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  describe.each(transportsFor(kind))('over %s', (transport, connect) => {
    const clients: Client[] = [];
    const connectAs = async (caller: McpCaller) => {
      const connected = await connect(target, caller);
      if (!clients.includes(connected.client)) clients.push(connected.client);
      return connected;
    };
    const client = async (caller: McpCaller) => (await connectAs(caller)).client;
    /** Names unique to this transport, for rows that must not collide with another transport's. */
    const slug = transport.replace(/[^a-z]+/gi, '-').toLowerCase();

    afterAll(async () => {
      for (const c of clients) await c.close();
    }, 30_000);

    it('lists every tool sorted by name, with truthful annotations; a read-only caller sees no mutating tool, a viewer none above its role', async () => {
      const { tools } = await (await client(owner)).listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(allTools().map((t) => t.name).sort());
      expect(names).toEqual(expect.arrayContaining(['list_connections', 'get_connection', 'start_sync', 'get_run', 'cancel_run', 'get_run_logs', 'list_streams', 'query_stream']));
      for (const tool of tools) {
        const definition = allTools().find((t) => t.name === tool.name)!;
        expect(tool.annotations?.readOnlyHint, tool.name).toBe(!definition.mutates);
        expect(tool.outputSchema, tool.name).toBeDefined();
        expect(tool.description!.length, tool.name).toBeGreaterThan(20);
      }
      expect(tools.find((t) => t.name === 'start_sync')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });

      const readOnly = (await (await client({ ...owner, readOnly: true })).listTools()).tools.map((t) => t.name);
      expect(readOnly).toEqual(allTools().filter((t) => !t.mutates).map((t) => t.name).sort());
      expect(readOnly).not.toContain('start_sync');

      const viewer = (await (await client({ ...owner, role: 'viewer' })).listTools()).tools.map((t) => t.name);
      expect(viewer).toContain('query_stream');
      expect(viewer).not.toContain('start_sync');
      expect(viewer).not.toContain('cancel_run');
    });

    it('refuses a hidden or unknown tool with the protocol error -32602, and invalid arguments with a tool error', async () => {
      const viewer = await client({ ...owner, role: 'viewer' });
      const refused = await protocolError(viewer.callTool({ name: 'start_sync', arguments: { connection_id: ownConnection } }));
      expect(refused.code).toBe(-32602);
      expect(refused.message).toContain('needs the member role');

      const readOnly = await client({ ...owner, readOnly: true });
      expect((await protocolError(readOnly.callTool({ name: 'cancel_run', arguments: { run_id: firstRunId } }))).message).toContain('read-only');

      const c = await client(owner);
      const unknown = await protocolError(c.callTool({ name: 'drop_everything', arguments: {} }));
      expect(unknown.code).toBe(-32602);
      expect(unknown.message).toContain('Unknown tool: drop_everything');

      expect(toolErrorText(await c.callTool({ name: 'get_connection', arguments: {} }))).toMatch(/Input validation error.*connection_id/s);
      expect(toolErrorText(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', limit: 100_000 } }))).toMatch(/Input validation error.*limit/s);
      const flood = Array.from({ length: 1500 }, (_, i) => `s${i}`);
      expect(toolErrorText(await c.callTool({ name: 'start_sync', arguments: { connection_id: ownConnection, streams: flood } }))).toContain('more than the maximum of 1000 elements');
    });

    it('list_connections: the workspace\'s own by default, all with include_all, only its products for a scoped key, paged by cursor', async () => {
      const c = await client(owner);
      const own = ok(await c.callTool({ name: 'list_connections', arguments: {} }));
      expect(own.connections.map((x: { id: string }) => x.id)).toEqual([ownConnection]);
      expect(JSON.stringify(own)).not.toContain(TOKEN);

      const all = ok(await c.callTool({ name: 'list_connections', arguments: { include_all: true } }));
      expect(all.connections.map((x: { id: string }) => x.id).sort()).toEqual([ownConnection, acmeConnection].sort());

      const first = ok(await c.callTool({ name: 'list_connections', arguments: { include_all: true, limit: 1 } }));
      expect(first.connections).toHaveLength(1);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = ok(await c.callTool({ name: 'list_connections', arguments: { include_all: true, limit: 1, cursor: first.next_cursor } }));
      expect(second.connections).toHaveLength(1);
      expect(second.next_cursor).toBeNull();
      expect(new Set([first.connections[0].id, second.connections[0].id]).size).toBe(2);

      expect(toolErrorText(await c.callTool({ name: 'list_connections', arguments: { cursor: 'garbage' } }))).toMatch(/^invalid_cursor: /);

      const scoped = await client({ ...owner, products: ['acme'] });
      const acme = ok(await scoped.callTool({ name: 'list_connections', arguments: {} }));
      expect(acme.connections.map((x: { id: string }) => x.id)).toEqual([acmeConnection]);
      const other = ok(await scoped.callTool({ name: 'list_connections', arguments: { product: 'globex' } }));
      expect(other.connections).toEqual([]);
    });

    it('get_connection has the latest run; another workspace\'s id, or one outside the key\'s products, is not_found', async () => {
      const c = await client(owner);
      const detail = ok(await c.callTool({ name: 'get_connection', arguments: { connection_id: ownConnection } }));
      expect(detail).toMatchObject({ id: ownConnection, connector: 'github', status: 'connected', has_credentials: true });
      expect(detail.latest_run.id).toBe(latestOwnRunId);

      const stranger = await client(await callerOf((await rt.workspace('owner')).apiKey));
      expect(toolErrorText(await stranger.callTool({ name: 'get_connection', arguments: { connection_id: ownConnection } }))).toMatch(/^connection_not_found: /);
      expect(toolErrorText(await stranger.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues' } }))).toMatch(/^connection_not_found: /);
      expect(toolErrorText(await stranger.callTool({ name: 'get_run', arguments: { run_id: firstRunId } }))).toMatch(/^run_not_found: /);

      const scoped = await client({ ...owner, products: ['acme'] });
      expect(toolErrorText(await scoped.callTool({ name: 'get_connection', arguments: { connection_id: ownConnection } }))).toMatch(/^connection_not_found: /);
      expect(toolErrorText(await scoped.callTool({ name: 'get_run_logs', arguments: { run_id: firstRunId } }))).toMatch(/^run_not_found: /);
      ok(await scoped.callTool({ name: 'get_connection', arguments: { connection_id: acmeConnection } }));
    });

    it('start_sync runs an incremental sync of one stream; get_run has its per-stream counts; get_run_logs pages', async () => {
      const c = await client(owner);
      const started = ok(await c.callTool({ name: 'start_sync', arguments: { connection_id: ownConnection, mode: 'incremental', streams: ['issues'] } }));
      expect(started.existing).toBe(false);
      expect(started.run).toMatchObject({ mode: 'incremental', trigger: 'api' });
      expect(started.run.streams.map((s: { stream: string }) => s.stream)).toEqual(['issues']);

      let run = started.run;
      const deadline = Date.now() + 60_000;
      while (!['COMPLETED', 'FAILED', 'CANCELLED'].includes(run.status) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        run = ok(await c.callTool({ name: 'get_run', arguments: { run_id: started.run.id } }));
      }
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      expect(run.streams[0]).toMatchObject({ stream: 'issues', status: 'COMPLETED', failed: 0 });
      latestOwnRunId = run.id;

      const page1 = ok(await c.callTool({ name: 'get_run_logs', arguments: { run_id: firstRunId, limit: 1 } }));
      expect(page1.lines).toHaveLength(1);
      expect(page1.next_cursor).toEqual(expect.any(String));
      const page2 = ok(await c.callTool({ name: 'get_run_logs', arguments: { run_id: firstRunId, limit: 500, cursor: page1.next_cursor } }));
      expect(page2.lines[0].id).toBeGreaterThan(page1.lines[0].id);
      expect([...page1.lines, ...page2.lines].map((l: { message: string }) => l.message)).toEqual(expect.arrayContaining(['Run started', 'Run completed']));

      expect(toolErrorText(await c.callTool({ name: 'start_sync', arguments: { connection_id: ownConnection, streams: ['nope'] } }))).toMatch(/^validation_failed: streams/);
    });

    it('cancel_run cancels a pending run and refuses one that has ended', async () => {
      const c = await client(owner);
      const pending = await insertPendingRun(rt.database.db, { workspaceId: owner.workspaceId, connectionId: acmeConnection, streams: ['issues'] });
      const cancelled = ok(await c.callTool({ name: 'cancel_run', arguments: { run_id: pending.id } }));
      expect(cancelled).toMatchObject({ id: pending.id, status: 'CANCELLED', cancel_requested: true });
      expect(toolErrorText(await c.callTool({ name: 'cancel_run', arguments: { run_id: firstRunId } }))).toMatch(/^run_not_cancellable: /);
    });

    it('list_streams gives columns and row counts; query_stream pages the change feed with equality filters on typed columns', async () => {
      const c = await client(owner);
      const listed = ok(await c.callTool({ name: 'list_streams', arguments: { connection_id: ownConnection } }));
      const issues = listed.streams.find((s: { name: string }) => s.name === 'issues');
      expect(issues).toMatchObject({ synced: true, live_rows: sandbox.info().counts.issues, primary_key: expect.any(Array) });
      const state = issues.columns.find((col: { name: string }) => col.name === 'state');
      expect(state).toMatchObject({ type: 'text' });

      const seen = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const page = ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', limit: 25, ...(cursor ? { cursor } : {}) } }));
        for (const row of page.rows) seen.add(row.id);
        if (!page.has_more) break;
        cursor = page.next_cursor;
      }
      expect(seen.size).toBe(sandbox.info().counts.issues);

      const open = ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', limit: 500, filters: { state: 'open' } } }));
      const closed = ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', limit: 500, filters: { state: 'closed' } } }));
      expect(open.rows.length).toBeGreaterThan(0);
      expect(open.rows.every((r: { data: { state: string } }) => r.data.state === 'open')).toBe(true);
      expect(open.rows.length + closed.rows.length).toBe(seen.size);

      expect(issues.columns.find((col: { name: string }) => col.name === 'number')).toMatchObject({ type: 'bigint' });
      {
        const one = ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', filters: { number: open.rows[0].data.number } } }));
        expect(one.rows.every((r: { data: { number: number } }) => r.data.number === open.rows[0].data.number)).toBe(true);
        expect(toolErrorText(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', filters: { number: 'many' } } }))).toMatch(
          /^validation_failed: filters\.number/,
        );
      }

      const query = async (filters: Record<string, unknown>) =>
        ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', limit: 500, filters } })).rows as { data: Record<string, unknown> }[];
      const sample = open.rows[0].data;
      expect(issues.columns.find((col: { name: string }) => col.name === 'created_at')).toMatchObject({ type: 'timestamptz' });
      // The same instant in another spelling matches: the value is cast to the column's type, not compared as text.
      const sameInstant = new Date(sample.created_at).toISOString().replace('Z', '+00:00');
      expect((await query({ created_at: sameInstant })).map((r) => r.data.number)).toContain(sample.number);
      expect((await query({ closed_at: null })).every((r) => r.data.closed_at === null || r.data.closed_at === undefined)).toBe(true);
      expect((await query({ closed_at: null, state: 'open' })).length).toBe(open.rows.length);
      expect((await query({ locked: false, state: 'open' })).every((r) => r.data.locked === false && r.data.state === 'open')).toBe(true);

      expect(toolErrorText(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', filters: { 'x"; drop table': 1 } } }))).toMatch(
        /^validation_failed: filters\./,
      );
      expect(toolErrorText(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'nope' } }))).toMatch(/^stream_not_found: /);
      const future = ok(await c.callTool({ name: 'query_stream', arguments: { connection_id: ownConnection, stream: 'issues', modified_after: '2099-01-01T00:00:00Z' } }));
      expect(future.rows).toEqual([]);
    });

    it('resources: templates, a paginated resources/list, stream and CRM entity reads within the caller\'s scope', async () => {
      const c = await client(owner);
      const { resourceTemplates } = await c.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['tributary://connections/{id}/streams/{stream}', 'tributary://crm/{entity}/{id}']);

      const listed = await c.listResources();
      const uris = listed.resources.map((r) => r.uri);
      expect(uris).toContain(`tributary://connections/${ownConnection}/streams/issues`);
      expect(uris).toContain(`tributary://connections/${acmeConnection}/streams/issues`);
      expect(listed.nextCursor).toBeUndefined();

      const read = await c.readResource({ uri: `tributary://connections/${ownConnection}/streams/issues` });
      const body = JSON.parse((read.contents[0] as { text: string }).text);
      expect(body).toMatchObject({ connection_id: ownConnection, stream: 'issues', rows: { live: sandbox.info().counts.issues, deleted: 0 }, table: { exists: true } });
      expect(body.columns.length).toBeGreaterThan(0);
      expect(body.freshness.last_successful_sync_at).toEqual(expect.any(String));

      const scoped = await client({ ...owner, products: ['acme'] });
      expect((await scoped.listResources()).resources.every((r) => r.uri.includes(acmeConnection))).toBe(true);
      expect((await protocolError(scoped.readResource({ uri: `tributary://connections/${ownConnection}/streams/issues` }))).code).toBe(-32002);
      expect((await protocolError(c.readResource({ uri: `tributary://connections/con_nope/streams/issues` }))).code).toBe(-32002);

      const company = await rt.inject<{ id: string }>({ method: 'POST', url: '/api/v1/companies', key, body: { name: 'Initech', domain: `initech-${slug}.example` } });
      expect(company.status, JSON.stringify(company.body)).toBe(201);
      const entity = await c.readResource({ uri: `tributary://crm/companies/${company.body.id}` });
      expect(JSON.parse((entity.contents[0] as { text: string }).text)).toMatchObject({ entity: 'companies', id: company.body.id, name: 'Initech', domain: `initech-${slug}.example` });
      expect((await protocolError(scoped.readResource({ uri: `tributary://crm/companies/${company.body.id}` }))).code).toBe(-32002);
      expect((await protocolError(c.readResource({ uri: `tributary://crm/planets/${company.body.id}` }))).code).toBe(-32002);
      const completion = await c.complete({ ref: { type: 'ref/resource', uri: 'tributary://crm/{entity}/{id}' }, argument: { name: 'entity', value: 'co' } });
      expect(completion.completion.values).toEqual(['companies', 'contacts']);
    });

    it('resources/list pages connections with a cursor', async () => {
      const workspace = await rt.workspace('owner');
      const ids: string[] = [];
      for (let i = 0; i <= connectionsPerResourcePage; i++) {
        ids.push(await install(rt, workspace.apiKey, 'github', { name: `bulk ${i}`, fields: { token: TOKEN }, config: { base_url: sandbox.url }, verify: false }));
      }
      const c = await client(await callerOf(workspace.apiKey));
      const first = await c.listResources();
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await c.listResources({ cursor: first.nextCursor! });
      expect(second.nextCursor).toBeUndefined();
      const connectionIds = (page: typeof first) => new Set(page.resources.map((r) => r.uri.split('/')[3]));
      expect(connectionIds(first).size).toBe(connectionsPerResourcePage);
      expect(connectionIds(second).size).toBe(1);
      expect(new Set([...connectionIds(first), ...connectionIds(second)])).toEqual(new Set(ids));
      expect((await protocolError(c.listResources({ cursor: 'nonsense' }))).code).toBe(-32602);
    });

    it('prompts: listed, and built from the caller\'s data', async () => {
      const c = await client(owner);
      const { prompts } = await c.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['find_stale_deals', 'summarise_company_activity', 'sync_health_report']);

      const health = await c.getPrompt({ name: 'sync_health_report' });
      expect(JSON.stringify(health.messages)).toContain(ownConnection);

      const company = await rt.inject<{ id: string }>({ method: 'POST', url: '/api/v1/companies', key, body: { name: 'Hooli', domain: `hooli-${slug}.example` } });
      const summary = await c.getPrompt({ name: 'summarise_company_activity', arguments: { company_id: company.body.id, days: '7' } });
      expect(summary.messages[0]!.content).toMatchObject({ type: 'resource', resource: { uri: `tributary://crm/companies/${company.body.id}` } });

      const stale = await c.getPrompt({ name: 'find_stale_deals', arguments: { days: '30' } });
      expect(stale.messages[0]!.content.type).toBe('text');
      expect((await protocolError(c.getPrompt({ name: 'find_stale_deals', arguments: { days: 'soon' } }))).code).toBe(-32602);
      expect((await protocolError(c.getPrompt({ name: 'summarise_company_activity', arguments: { company_id: 'co_nope' } }))).code).toBe(-32602);
    });

    it('audit-logs every call with its actor, tool, scrubbed arguments and outcome', async () => {
      const secret = 'sk_live_mcp_audit_secret_value_42';
      // In memory the caller is an OAuth token's; over a real transport, a key of its own (minted for this actor).
      const { client: c, actor } = await connectAs({ ...owner, actor: { kind: 'oauth_token', id: 'mat_audit', clientId: 'https://client.example/meta.json' } });
      const actorKeyId = actor.kind === 'api_key' ? actor.id : owner.keyId;
      const recordedActor = actor.kind === 'oauth_token' ? { kind: 'oauth_token', id: actor.id, client_id: actor.clientId } : { kind: 'api_key', id: actor.id };
      ok(await c.callTool({ name: 'get_connection', arguments: { connection_id: ownConnection, api_key: secret } }));
      await protocolError(c.callTool({ name: 'no_such_tool', arguments: { password: secret } }));
      toolErrorText(await c.callTool({ name: 'get_run', arguments: { run_id: 'run_nope' } }));
      toolErrorText(await c.callTool({ name: 'cancel_run', arguments: { run_id: firstRunId } }));
      toolErrorText(await c.callTool({ name: 'list_connections', arguments: { limit: 'many', token: secret } }));

      const toolCalls = () => rt.database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, 'mcp.tool_call')));
      const rows = (await toolCalls()).filter((r) => r.action === 'mcp.tool_call' && (r.data as { actor?: { id?: string } })?.actor?.id === actor.id);
      const byTool = new Map(rows.map((r) => [r.targetId, r]));
      expect(byTool.get('get_connection')).toMatchObject({ actorKeyId, targetType: 'mcp_tool', data: { outcome: 'ok', actor: recordedActor } });
      expect((byTool.get('get_connection')!.data as { arguments: Record<string, unknown> }).arguments).toMatchObject({ connection_id: ownConnection, api_key: '[redacted]' });
      expect(byTool.get('no_such_tool')?.data).toMatchObject({ outcome: 'unknown_tool' });
      expect(byTool.get('get_run')?.data).toMatchObject({ outcome: 'run_not_found', arguments: { run_id: 'run_nope' } });
      expect(byTool.get('cancel_run')?.data).toMatchObject({ outcome: 'run_not_cancellable', arguments: { run_id: firstRunId } });
      expect(byTool.get('list_connections')?.data).toMatchObject({ outcome: 'invalid_arguments', arguments: { limit: 'many', token: '[redacted]' } });
      expect(JSON.stringify(rows)).not.toContain(secret);

      expect(rt.logLines.join('\n')).not.toContain(secret);
    });
    // A test that first starts a stdio child waits for its start (tsx compile, runtime) on a busy machine.
  }, 180_000);
});
