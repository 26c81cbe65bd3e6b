import { hashToken, safeEqual } from '../../core/api-key-hash.js';
import type { McpClient } from './mcp-client.js';
import { McpOAuthError } from './mcp-oauth-error.js';
import { resolveMcpClient, type McpAuthDeps } from './resolve-mcp-client.js';

/** The client credentials of a token or revocation request, as the route found them. */
export interface ClientCredentials {
  /** From HTTP Basic (`client_secret_basic`), already form-decoded. */
  basic?: { clientId: string; secret: string } | undefined;
  /** From the body. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * RFC 6749 §2.3 / §3.2.1: a confidential client proves itself with its secret the way it registered
 * (Basic or body); a public client only names itself, and PKCE (for codes) or rotation (for refresh tokens)
 * carries the proof. Two methods at once, or a secret from a public client, is refused.
 */
export async function authenticateMcpClient(deps: McpAuthDeps, credentials: ClientCredentials): Promise<McpClient> {
  if (credentials.basic && credentials.clientSecret !== undefined) throw new McpOAuthError('invalid_request', 'Use one client authentication method, not two.');
  if (credentials.basic && credentials.clientId !== undefined && credentials.clientId !== credentials.basic.clientId) {
    throw new McpOAuthError('invalid_request', 'client_id in the body differs from the Basic credentials.');
  }
  const clientId = credentials.basic?.clientId ?? credentials.clientId;
  let client: McpClient;
  try {
    client = await resolveMcpClient(deps, clientId);
  } catch (error) {
    if (error instanceof McpOAuthError && error.error === 'invalid_request') throw new McpOAuthError('invalid_client', 'Client authentication failed: no client_id.');
    throw error;
  }
  const secret = credentials.basic?.secret ?? credentials.clientSecret;
  const method = credentials.basic ? 'client_secret_basic' : secret !== undefined ? 'client_secret_post' : 'none';
  if (client.tokenEndpointAuthMethod === 'none') {
    if (method !== 'none') throw new McpOAuthError('invalid_client', 'This client is public (token_endpoint_auth_method none): send no client secret.');
    return client;
  }
  if (method === 'none' || secret === undefined) throw new McpOAuthError('invalid_client', 'Client authentication failed: this client must send its client secret.');
  if (method !== client.tokenEndpointAuthMethod) throw new McpOAuthError('invalid_client', `Client authentication failed: this client registered ${client.tokenEndpointAuthMethod}.`);
  if (!client.secretHash || !safeEqual(hashToken(secret), client.secretHash)) throw new McpOAuthError('invalid_client', 'Client authentication failed.');
  return client;
}
