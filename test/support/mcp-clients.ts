import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpCaller } from '../../src/mcp/mcp-caller.js';
import { createApiKey } from '../../src/services/keys/create-api-key.js';
import type { ServiceDeps } from '../../src/services/service-deps.js';
import { repoRoot } from './child-process.js';

/** An SDK client connected to `/mcp` of a listening server over Streamable HTTP, with a bearer credential. */
export async function httpMcpClient(base: string, credential: string): Promise<Client> {
  const client = new Client({ name: 'mcp-http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${credential}` } } }));
  return client;
}

/** `tributary mcp …` as a child process, not yet connected, with its stderr collected (logs go there, never stdout). */
export function stdioMcpTransport(args: string[], env: Record<string, string>): { transport: StdioClientTransport; stderr: string[] } {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(repoRoot, 'bin', 'tributary.js'), 'mcp', ...args],
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(String(chunk)));
  return { transport, stderr };
}

/**
 * The first answer waits for the child's start (tsx compiles the CLI; direct mode opens the database and runs
 * migrations): past the SDK's 60 s default on a busy 2-core machine.
 */
export const stdioStartTimeout = { timeout: 170_000 };

/**
 * An SDK client talking to `tributary mcp` as a desktop client starts it: a child process on stdin/stdout. `args`
 * pick the mode (`--url` bridges to a running server; without it the process opens the database named in `env`).
 */
export async function stdioMcpClient(args: string[], env: Record<string, string>): Promise<{ client: Client; stderr: string[] }> {
  const { transport, stderr } = stdioMcpTransport(args, env);
  const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
  await client.connect(transport, stdioStartTimeout);
  return { client, stderr };
}

/**
 * `tributary mcp --url` (bridge mode): MCP passed through to the running server with the key. The mode that works
 * on both databases, as an embedded PGlite database belongs to the test's process and no second one can open it.
 */
export async function stdioBridgeMcpClient(base: string, apiKey: string): Promise<{ client: Client; stderr: string[] }> {
  return stdioMcpClient(['--url', base], { TRIBUTARY_API_KEY: apiKey });
}

/**
 * A real API key with exactly a caller's workspace, role, read-only flag and products, so a test written in terms
 * of callers can reach the server over a real transport with the same scope. Minted as the workspace's owner would.
 */
export async function apiKeyFor(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, name = 'mcp test caller'): Promise<{ apiKey: string; keyId: string }> {
  const { row, apiKey } = await createApiKey(deps, {
    workspaceId: caller.workspaceId,
    actorKeyId: caller.keyId,
    actor: { role: 'owner', readOnly: false, products: null },
    name,
    role: caller.role,
    readOnly: caller.readOnly,
    products: caller.products,
  });
  return { apiKey, keyId: row.id };
}

/** The JSON-RPC error a request ended with (a hidden or unknown tool, invalid params): fails when it succeeded. */
export async function protocolError(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof McpError)) throw new Error(`expected a JSON-RPC error, got ${error === undefined ? 'a result' : String(error)}`);
  return error;
}
