import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AppDeps } from '../../api/app-deps.js';
import { createMcpServer } from '../create-mcp-server.js';
import type { McpCaller } from '../mcp-caller.js';
import { registerServerDiscover } from './register-server-discover.js';

/**
 * The MCP server for one caller over this process's stdin/stdout; resolves when the client closes stdin. Whoever
 * calls it must keep every log line off stdout: it is the protocol channel.
 */
export async function serveStdio(deps: AppDeps, caller: McpCaller, options: { conformanceFixtures?: boolean } = {}): Promise<void> {
  const server = createMcpServer(deps, caller, options);
  registerServerDiscover(server);
  const transport = new StdioServerTransport();
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await ended;
  await server.close();
}
