import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import packageJson from '../../package.json' with { type: 'json' };
import type { AppDeps } from '../api/app-deps.js';
import { allTools } from './all-tools.js';
import { registerConformanceFixtures } from './conformance/register-conformance-fixtures.js';
import type { McpCaller } from './mcp-caller.js';
import { registerPrompts } from './prompts/register-prompts.js';
import { registerTools } from './register-tools.js';
import { registerResources } from './resources/register-resources.js';

/** What the server tells a client (and its model) about itself at initialize. */
export const serverInstructions = [
  'Tributary keeps SaaS data (Stripe, GitHub, Jira, Slack, Gmail, …) synced into tables, and a CRM (companies, contacts, deals, engagements, invoices, activities) built from it.',
  'Connections: list_connections, get_connection, start_sync (then get_run, get_run_logs, cancel_run).',
  "Synced data: list_streams gives a connection's streams and typed columns; query_stream reads rows with filters and a cursor.",
  'Resources: tributary://connections/{id}/streams/{stream} (schema, counts, freshness) and tributary://crm/{entity}/{id}.',
  'Errors name a stable code first ("not_found: …"). Ids of another workspace, or of a product outside this key\'s scope, are not_found.',
].join('\n');

/** Array elements and object members one tools/call may carry (the largest real one, 100 streams, is far below). */
export const maxToolInputElements = 1000;

export interface CreateMcpServerOptions {
  /**
   * The official conformance suite's fixture tools, resources and prompts (off by default; TRIBUTARY_MCP_CONFORMANCE),
   * registered by src/mcp/conformance/ beside Tributary's own.
   */
  conformanceFixtures?: boolean;
}

/**
 * A fresh MCP server for one caller, with everything that caller may see registered: the tools their role and
 * read-only flag allow (sorted by name), the stream and CRM resources, the prompts. A server per caller (per
 * session, or per request when stateless) keeps one caller's scope from ever reaching another's.
 *
 * @example
 * const server = createMcpServer(deps, caller);
 * await server.connect(transport);
 */
export function createMcpServer(deps: AppDeps, caller: McpCaller, options: CreateMcpServerOptions = {}): McpServer {
  // Capabilities come from what is registered (tools, resources, prompts). Tools must be registered first: their
  // registration installs the audited tools/call handler (see register-tools.ts).
  const server = new McpServer(
    { name: 'tributary', title: 'Tributary', version: packageJson.version },
    // The SDK refuses arguments with more elements than this before validating them: no tool takes more.
    { instructions: serverInstructions, maxToolInputElements },
  );
  registerTools(server, deps, caller, allTools());
  registerResources(server, deps, caller);
  registerPrompts(server, deps, caller);
  // After Tributary's own, so the fixtures go through the same audited tools/call handler and listings.
  if (options.conformanceFixtures) registerConformanceFixtures(server);
  return server;
}
