import { AppError } from '../../contracts/errors.js';
import { roles, type Role } from '../../contracts/roles.js';
import { hashToken } from '../../core/api-key-hash.js';
import { findLiveMcpAccessToken } from '../../db/queries/mcp-oauth.js';
import type { ApiKeyIdentity } from '../keys/authenticate-api-key.js';
import type { ServiceDeps } from '../service-deps.js';

/** Access tokens Tributary's MCP authorization server issues start with this, so /mcp can tell them from API keys. */
export const mcpAccessTokenPrefix = 'trb_mat_';

export interface McpTokenIdentity extends ApiKeyIdentity {
  tokenId: string;
  clientId: string;
}

/**
 * Who an MCP OAuth access token is, for the resource (audience) it is presented to: the grant's workspace, role
 * ceiling (never above the approving key's current role), read-only flag and products. `keyId` is the API key
 * that approved the grant (revoking that key ends the grant). Unknown, expired or revoked tokens, and tokens
 * for another resource (RFC 8707 audience), are `unauthorized`. `now` is for tests.
 */
export async function authenticateMcpAccessToken(deps: Pick<ServiceDeps, 'db'>, input: { token: string; resource: string; now?: Date }): Promise<McpTokenIdentity> {
  if (!input.token.startsWith(mcpAccessTokenPrefix)) throw new AppError('unauthorized', 'The access token is not valid.');
  const found = await findLiveMcpAccessToken(deps.db, hashToken(input.token), input.now ?? new Date());
  if (!found) throw new AppError('unauthorized', 'The access token is not valid, has expired or has been revoked.');
  const { token, grant } = found;
  if (grant.resource !== input.resource) {
    throw new AppError('unauthorized', `The access token has the wrong audience: it was issued for ${grant.resource}, not ${input.resource}.`);
  }
  return {
    workspaceId: grant.workspaceId,
    dataSchema: found.dataSchema,
    keyId: grant.apiKeyId,
    role: lowerRole(grant.role as Role, found.keyRole as Role),
    readOnly: grant.readOnly,
    products: grant.products ?? null,
    tokenId: token.id,
    clientId: grant.clientId,
  };
}

function lowerRole(a: Role, b: Role): Role {
  return roles.indexOf(a) <= roles.indexOf(b) ? a : b;
}
