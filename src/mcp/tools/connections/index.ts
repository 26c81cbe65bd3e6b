import type { McpToolDefinition } from '../../tool-definition.js';
import { cancelRunTool } from './cancel-run.js';
import { getConnectionTool } from './get-connection.js';
import { getRunLogsTool } from './get-run-logs.js';
import { getRunTool } from './get-run.js';
import { listConnectionsTool } from './list-connections.js';
import { startSyncTool } from './start-sync.js';

/** The connection and run tools. */
export const connectionTools = [listConnectionsTool, getConnectionTool, startSyncTool, getRunTool, cancelRunTool, getRunLogsTool] as unknown as McpToolDefinition[];
