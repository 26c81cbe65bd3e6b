import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { stdioMcpTransport, stdioStartTimeout } from './support/mcp-clients.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/** `tributary mcp …` as a desktop client starts it: a child process speaking MCP on stdin/stdout. */
function stdioClient(args: string[], env: Record<string, string>) {
  const { transport, stderr } = stdioMcpTransport(args, env);
  return { client: new Client({ name: 'desktop', version: '1.0.0' }), transport, stderr };
}

describe.each(databaseKinds)('tributary mcp over stdio (%s)', (kind) => {
  let runtime: TestRuntime;
  let folder: string;
  let base: string;
  let key: string;
  let stopped = false;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'trb-mcp-stdio-'));
    runtime = await startTestRuntime(kind, {
      worker: false,
      ...(kind === 'pglite' ? { pgliteDataDir: path.join(folder, 'pgdata') } : {}),
      config: { mcp: { allowedOrigins: [], requestsPerMinute: 600, conformanceFixtures: true } },
    });
    base = (await runtime.app!.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    key = (await runtime.workspace('owner')).apiKey;
  }, 120_000);

  afterAll(async () => {
    if (!stopped) await runtime?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('bridge mode: --url and --key pass MCP through to the running server', async () => {
    const { client, transport, stderr } = stdioClient(['--url', base], { TRIBUTARY_API_KEY: key });
    await client.connect(transport, stdioStartTimeout);
    expect(client.getServerVersion()?.name).toBe('tributary');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_simple_text');
    const result = await client.callTool({ name: 'test_tool_with_progress', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'Tool with progress executed successfully' }]);
    await client.close();
    expect(stderr.join('')).not.toContain(key);
  }, 200_000);

  it('bridge mode: a refused key answers the request with an error instead of hanging', async () => {
    const { client, transport, stderr } = stdioClient(['--url', base, '--key', 'trb_wrong_key_000000000000'], {});
    await expect(client.connect(transport, stdioStartTimeout)).rejects.toThrow(/401|unauthorized|not valid/i);
    await client.close();
    expect(stderr.join('')).not.toContain('trb_wrong_key');
  }, 200_000);

  it('direct mode: opens the database itself and serves the key’s workspace, read-only when asked', async () => {
    // The embedded folder serves one process: the test's runtime lets go of it first.
    if (kind === 'pglite') {
      await runtime.stop({ keepData: true });
      stopped = true;
    }
    const env: Record<string, string> = {
      TRIBUTARY_DB_SCHEMA: runtime.schema,
      TRIBUTARY_ENCRYPTION_KEYS: runtime.config.encryptionKeys!,
      TRIBUTARY_MCP_CONFORMANCE: '1',
      LOG_LEVEL: 'info',
      ...(kind === 'postgres' ? { DATABASE_URL: testDatabaseUrl! } : { TRIBUTARY_DATA_DIR: folder }),
    };
    const { client, transport, stderr } = stdioClient(['--key', key, '--read-only'], env);
    await client.connect(transport, stdioStartTimeout);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_simple_text');
    const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    await client.close();
    expect(stderr.join('')).toMatch(/serving workspace \S+ over stdio \(read-only\)/);
    expect(stderr.join('')).not.toContain(key);
  }, 200_000);
});
