import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppDeps } from '../api/app-deps.js';
import { registerConformanceFixtures } from './conformance/register-conformance-fixtures.js';
import type { McpCaller } from './mcp-caller.js';

/**
 * STAND-IN (mcp-transport branch): the real factory, with every tool, resource and prompt the caller may see, is
 * mcp-tools' and replaces this file at merge. Same signature; it must keep calling registerConformanceFixtures
 * when `conformanceFixtures` is set, since the transports and the conformance script rely on that.
 */
export function createMcpServer(_deps: AppDeps, _caller: McpCaller, options: { conformanceFixtures?: boolean } = {}): McpServer {
  const server = new McpServer({ name: 'tributary', version: '0.1.0' }, { capabilities: { tools: {}, resources: {}, prompts: {} } });
  if (options.conformanceFixtures) registerConformanceFixtures(server);
  return server;
}
