import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../api/app-deps.js';
import { recordToolCall } from '../services/audit/record-tool-call.js';
import type { McpCaller } from './mcp-caller.js';
import { errorMetaKey, type ToolErrorMeta } from './tool-result.js';

type LowLevelServer = McpServer['server'];
type CallHandler = (request: { params: { name: string; arguments?: Record<string, unknown> | undefined } }, extra: unknown) => Promise<CallToolResult>;

/**
 * Wraps the tools/call handler that the SDK's McpServer installs (it does so when the first tool is registered, so
 * call this before that) to do two things the SDK does not:
 * - audit-log every call, whatever its end: who (key or OAuth token and client), which tool, the arguments with
 *   secrets scrubbed, and the outcome (`ok` or a stable code);
 * - answer a call to a tool this caller does not have with the protocol error the specification asks for
 *   (-32602, "Unknown tool"; 2025-11-25, Tools › Error handling). SDK 1.32.2 answers it with an `isError`
 *   result instead. A tool hidden by role or read-only mode gets the same code with the reason as message.
 *
 * Argument errors stay tool errors (`isError`, "Input validation error: …"), as the specification asks from
 * 2025-11-25 on, so that a model can correct itself.
 */
export function auditToolCalls(server: McpServer, options: { deps: AppDeps; caller: McpCaller; hidden: ReadonlyMap<string, string> }): void {
  const lowLevel = server.server;
  const setRequestHandler = lowLevel.setRequestHandler.bind(lowLevel);
  const patched = (schema: unknown, handler: unknown) => {
    if (schema !== CallToolRequestSchema) return setRequestHandler(schema as never, handler as never);
    return setRequestHandler(CallToolRequestSchema, auditedCall(server, handler as CallHandler, options) as never);
  };
  lowLevel.setRequestHandler = patched as LowLevelServer['setRequestHandler'];
}

function auditedCall(server: McpServer, handler: CallHandler, options: { deps: AppDeps; caller: McpCaller; hidden: ReadonlyMap<string, string> }): CallHandler {
  const { deps, caller, hidden } = options;
  const record = async (tool: string, args: unknown, outcome: string, started: number) => {
    try {
      await recordToolCall(deps, { workspaceId: caller.workspaceId, keyId: caller.keyId, actor: caller.actor, tool, arguments: args, outcome, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      // The call's own result stands; a lost audit row is an operator's alarm, not the caller's error.
      deps.logger.error({ err: error, tool }, 'MCP tool call could not be written to the audit log');
    }
  };
  return async (request, extra) => {
    const started = performance.now();
    const { name, arguments: args } = request.params;
    if (!isRegistered(server, name)) {
      const reason = hidden.get(name);
      await record(name, args, reason ? 'forbidden' : 'unknown_tool', started);
      throw new McpError(ErrorCode.InvalidParams, reason ?? `Unknown tool: ${name.length > 100 ? `${name.slice(0, 100)}…` : name}`);
    }
    const result = await handler(request, extra);
    await record(name, args, outcomeOf(result), started);
    return result;
  };
}

function outcomeOf(result: CallToolResult): string {
  if (!result.isError) return 'ok';
  const meta = result._meta?.[errorMetaKey] as ToolErrorMeta | undefined;
  if (meta) return meta.code;
  // The SDK's own error results: arguments its zod validation refused, or (a bug of ours) an invalid output.
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  // The SDK writes them as "MCP error -32602: Input validation error: …".
  return /Input validation error|Invalid arguments for tool/.test(text) ? 'invalid_arguments' : 'error';
}

/**
 * Whether a tool of that name is registered and enabled on the server, fixture tools included. The SDK keeps its
 * tools in a private field; it is read in this one place, and a change of its shape fails loudly (every test
 * calls a tool).
 */
function isRegistered(server: McpServer, name: string): boolean {
  const registered = (server as unknown as { _registeredTools?: Record<string, { enabled?: boolean }> })._registeredTools;
  if (!registered || typeof registered !== 'object') throw new Error('@modelcontextprotocol/sdk: McpServer._registeredTools is gone; update audit-tool-calls.ts');
  return Object.hasOwn(registered, name) && registered[name]!.enabled !== false;
}
