import type { z } from 'zod';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '../contracts/roles.js';
import type { AppDeps } from '../api/app-deps.js';
import type { McpCaller } from './mcp-caller.js';

/** What a tool's handler gets: the process's dependencies and the caller whose scope it must honour. */
export interface McpToolContext {
  deps: AppDeps;
  caller: McpCaller;
  /** Aborted when the client cancels the request or the connection closes. */
  signal: AbortSignal;
}

/**
 * One MCP tool, described as data so that registration, read-only filtering, role checks, audit logging and the
 * generated tool reference all come from one place. `mutates` must be true for every tool that changes anything:
 * read-only callers never see those.
 */
export interface McpToolDefinition<In extends z.ZodRawShape = z.ZodRawShape, Out extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: In;
  outputSchema: Out;
  annotations: ToolAnnotations;
  mutates: boolean;
  /** The least role that may call it, as for the REST route that does the same thing. */
  minRole: Role;
  run(ctx: McpToolContext, args: z.infer<z.ZodObject<In>>): Promise<z.infer<z.ZodObject<Out>>>;
}

/**
 * A tool that only reads this workspace's own data: read-only annotations, not mutating, open to viewers (as the
 * REST GETs are) unless it says otherwise.
 *
 * @example
 * export const getRunTool = readTool({ name: 'get_run', title: 'Get a run', description: '…', inputSchema, outputSchema, run });
 */
export function readTool<In extends z.ZodRawShape, Out extends z.ZodRawShape>(
  tool: Omit<McpToolDefinition<In, Out>, 'annotations' | 'mutates' | 'minRole'> & { minRole?: Role },
): McpToolDefinition<In, Out> {
  return { annotations: { readOnlyHint: true, openWorldHint: false }, mutates: false, minRole: 'viewer', ...tool };
}
