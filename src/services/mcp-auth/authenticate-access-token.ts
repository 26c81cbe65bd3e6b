import { AppError } from '../../contracts/errors.js';
import type { ApiKeyIdentity } from '../keys/authenticate-api-key.js';
import type { ServiceDeps } from '../service-deps.js';

/** Access tokens Tributary's MCP authorization server issues start with this, so /mcp can tell them from API keys. */
export const mcpAccessTokenPrefix = 'trb_mat_';

export interface McpTokenIdentity extends ApiKeyIdentity {
  tokenId: string;
  clientId: string;
}

/** Who an MCP OAuth access token is, for the resource (audience) it is presented to. */
export async function authenticateMcpAccessToken(
  _deps: Pick<ServiceDeps, 'db'>,
  _input: { token: string; resource: string },
): Promise<McpTokenIdentity> {
  throw new AppError('unauthorized', 'MCP OAuth access tokens are not accepted yet; use an API key.');
}
