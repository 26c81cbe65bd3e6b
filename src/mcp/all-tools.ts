import type { McpToolDefinition } from './tool-definition.js';
import { connectionTools } from './tools/connections/index.js';
import { crmTools } from './tools/crm/index.js';
import { dataTools } from './tools/data/index.js';

/**
 * Every tool the server has, before any caller's filtering. tools/list shows them sorted by name (see
 * register-tools.ts), so the order a client sees never depends on which group a tool came from.
 */
export function allTools(): McpToolDefinition[] {
  return [...connectionTools, ...dataTools, ...crmTools];
}
