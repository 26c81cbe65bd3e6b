import { hashToken } from '../../core/api-key-hash.js';
import { newId, newSecretToken } from '../../core/ids.js';
import { insertMcpOauthTokens, type McpOauthGrantRow } from '../../db/queries/mcp-oauth.js';
import type { Db } from '../../db/db.js';
import { mcpAccessTokenPrefix } from './authenticate-access-token.js';
import { mcpOAuthLifetimes, mcpRefreshTokenPrefix } from './mcp-auth-settings.js';

/** RFC 6749 §5.1 token response. */
export interface McpTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/**
 * A new access token and refresh token for a grant. Opaque random strings stored as SHA-256 hashes (not JWTs):
 * every use is one indexed lookup, and revoking a grant or a token takes effect on the next request.
 */
export async function issueMcpTokens(db: Db, grant: McpOauthGrantRow, now: Date): Promise<McpTokenResponse> {
  const access = newSecretToken(mcpAccessTokenPrefix.slice(0, -1));
  const refresh = newSecretToken(mcpRefreshTokenPrefix.slice(0, -1));
  await insertMcpOauthTokens(db, [
    { id: newId('mcpt'), hash: hashToken(access), grantId: grant.id, kind: 'access', expiresAt: new Date(now.getTime() + mcpOAuthLifetimes.accessTokenSeconds * 1000), createdAt: now },
    { id: newId('mcpt'), hash: hashToken(refresh), grantId: grant.id, kind: 'refresh', expiresAt: new Date(now.getTime() + mcpOAuthLifetimes.refreshTokenSeconds * 1000), createdAt: now },
  ]);
  return { access_token: access, token_type: 'Bearer', expires_in: mcpOAuthLifetimes.accessTokenSeconds, refresh_token: refresh, scope: grant.scope };
}
