import type { ApiKeyIdentity } from '../services/keys/authenticate-api-key.js';

/**
 * Who is calling the MCP server: the workspace, role, read-only flag and product scope of an API key (sent as a
 * bearer token over HTTP, or given to `tributary mcp` for stdio) or of an MCP OAuth access token. Every tool,
 * resource and prompt applies exactly these, as the REST API does for the same key.
 */
export interface McpCaller extends ApiKeyIdentity {
  /** For the audit log and rate limits: which credential made the call. */
  actor: { kind: 'api_key' | 'oauth_token'; id: string; clientId?: string };
}
