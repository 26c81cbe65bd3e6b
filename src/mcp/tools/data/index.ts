import type { McpToolDefinition } from '../../tool-definition.js';
import { listStreamsTool } from './list-streams.js';
import { queryStreamTool } from './query-stream.js';

/** The synced-data tools: streams and their rows. */
export const dataTools = [listStreamsTool, queryStreamTool] as unknown as McpToolDefinition[];
