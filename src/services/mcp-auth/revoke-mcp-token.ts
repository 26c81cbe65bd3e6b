import { hashToken } from '../../core/api-key-hash.js';
import { findMcpOauthToken, revokeMcpOauthGrant, revokeMcpOauthToken } from '../../db/queries/mcp-oauth.js';
import type { McpClient } from './mcp-client.js';
import type { McpAuthDeps } from './resolve-mcp-client.js';

/**
 * RFC 7009 revocation. A refresh token revokes its whole grant (every access token issued under it, §2.1 allows
 * it and a client that logs out means it); an access token revokes only itself. An unknown token, or one issued to
 * another client, changes nothing and is answered the same way (§2.2): the answer says nothing about tokens.
 */
export async function revokeMcpToken(deps: Pick<McpAuthDeps, 'db'>, client: McpClient, token: string, now = new Date()): Promise<void> {
  const row = await findMcpOauthToken(deps.db, hashToken(token));
  if (!row || row.clientId !== client.id) return;
  if (row.kind === 'refresh') await revokeMcpOauthGrant(deps.db, row.grantId, now);
  else await revokeMcpOauthToken(deps.db, row.id, now);
}
