import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../contracts/errors.js';
import { authenticateApiKey, type LastUsedWrites } from '../../services/keys/authenticate-api-key.js';
import { authenticateMcpAccessToken, mcpAccessTokenPrefix } from '../../services/mcp-auth/authenticate-access-token.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { McpCaller } from '../mcp-caller.js';

/** The credential of a request: `Authorization: Bearer …` first, else `X-API-Key`, as the REST API reads them. */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1]?.trim() || undefined;
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : undefined;
}

/**
 * Who is calling /mcp: an MCP OAuth access token (`trb_mat_…`, checked for this server's /mcp as its audience) or an
 * API key. Throws `unauthorized` for anything else, so the caller can answer 401 with the resource metadata URL.
 */
export async function authenticateMcpRequest(
  deps: Pick<ServiceDeps, 'db' | 'config'>,
  input: { credential: string | undefined; lastUsedWrites: LastUsedWrites },
): Promise<McpCaller> {
  const credential = input.credential;
  if (!credential) throw new AppError('unauthorized', 'Send an API key or an MCP access token as "Authorization: Bearer <token>" (or an API key as "X-API-Key").');
  if (credential.startsWith(mcpAccessTokenPrefix)) {
    const token = await authenticateMcpAccessToken(deps, { token: credential, resource: mcpResourceUrl(deps.config.publicUrl) });
    const { tokenId, clientId, ...identity } = token;
    return { ...identity, actor: { kind: 'oauth_token', id: tokenId, clientId } };
  }
  const identity = await authenticateApiKey(deps, { key: credential, lastUsedWrites: input.lastUsedWrites });
  return { ...identity, actor: { kind: 'api_key', id: identity.keyId } };
}

/** The MCP server's resource identifier (RFC 8707 audience of its access tokens). */
export function mcpResourceUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/mcp`;
}

/** RFC 9728 §5.1: where an MCP client finds out how to get a token for /mcp. */
export function protectedResourceMetadataUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/.well-known/oauth-protected-resource/mcp`;
}
