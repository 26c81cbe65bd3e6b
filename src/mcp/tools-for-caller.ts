import { roleAtLeast } from '../contracts/roles.js';
import type { McpCaller } from './mcp-caller.js';
import type { McpToolDefinition } from './tool-definition.js';

/** Why a tool is hidden from a caller, as the message of a call to it; undefined when the caller may use it. */
export function whyHidden(tool: McpToolDefinition, caller: Pick<McpCaller, 'role' | 'readOnly'>): string | undefined {
  if (tool.mutates && caller.readOnly) return `Tool ${tool.name} changes data and this key is read-only.`;
  if (!roleAtLeast(caller.role, tool.minRole)) return `Tool ${tool.name} needs the ${tool.minRole} role or above; this key has ${caller.role}.`;
  return undefined;
}

/**
 * The tools a caller sees, sorted by name: a stable order whatever the registration order, so clients that
 * cache the list (and models whose prompts hold it) see the same list from one start to the next.
 */
export function toolsForCaller(tools: readonly McpToolDefinition[], caller: Pick<McpCaller, 'role' | 'readOnly'>): McpToolDefinition[] {
  return tools.filter((t) => whyHidden(t, caller) === undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
