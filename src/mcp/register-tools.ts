import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isAppError } from '../contracts/errors.js';
import type { AppDeps } from '../api/app-deps.js';
import { auditToolCalls } from './audit-tool-calls.js';
import type { McpCaller } from './mcp-caller.js';
import type { McpToolDefinition } from './tool-definition.js';
import { toolError, toolSuccess } from './tool-result.js';
import { toolsForCaller, whyHidden } from './tools-for-caller.js';

/**
 * Registers on `server` the tools `caller` may use, sorted by name (tools/list keeps registration order): none
 * that mutates for a read-only caller, none above the caller's role. The SDK validates arguments with each tool's
 * zod shape and the result against its output shape; a domain error (AppError) becomes a tool error naming its
 * stable code. Every call, refused or not, is audit-logged (see audit-tool-calls.ts), which must be installed
 * before the first tool is registered: that is when the SDK installs its tools/call handler.
 *
 * @example
 * const server = new McpServer({ name: 'tributary', version });
 * registerTools(server, deps, caller, allTools());
 */
export function registerTools(server: McpServer, deps: AppDeps, caller: McpCaller, tools: readonly McpToolDefinition[]): void {
  const hidden = new Map<string, string>();
  for (const tool of tools) {
    const reason = whyHidden(tool, caller);
    if (reason) hidden.set(tool.name, reason);
  }
  auditToolCalls(server, { deps, caller, hidden });
  for (const tool of toolsForCaller(tools, caller)) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: { title: tool.title, ...tool.annotations } },
      async (args: Record<string, unknown>, extra) => {
        try {
          const structured = await tool.run({ deps, caller, signal: extra.signal }, args as never);
          return toolSuccess(structured);
        } catch (error) {
          if (!isAppError(error) || error.status >= 500) deps.logger.error({ err: error, tool: tool.name }, 'MCP tool failed');
          return toolError(error);
        }
      },
    );
  }
}
