import { hashToken } from '../../core/api-key-hash.js';
import { consumeMcpOauthCode, findMcpOauthCode, findMcpOauthToken, revokeMcpOauthGrant, rotateMcpRefreshToken } from '../../db/queries/mcp-oauth.js';
import { issueMcpTokens, type McpTokenResponse } from './issue-tokens.js';
import type { McpClient } from './mcp-client.js';
import { McpOAuthError } from './mcp-oauth-error.js';
import { pkceMatches } from './pkce.js';
import type { McpAuthDeps } from './resolve-mcp-client.js';

/**
 * POST /oauth2/token for an authenticated client: the authorization_code grant (PKCE S256 verified, redirect URI
 * and resource repeated exactly) and the refresh_token grant with rotation. A replayed code or a reused rotated
 * refresh token is taken as theft (OAuth 2.1 §4.1.3, §4.3.1; the security BCP §4.14): the whole grant is revoked,
 * so neither the thief nor the client keeps a working token.
 */
export async function exchangeMcpToken(deps: Pick<McpAuthDeps, 'db'>, client: McpClient, params: Record<string, string>, now = new Date()): Promise<McpTokenResponse> {
  switch (params['grant_type']) {
    case 'authorization_code':
      return redeemCode(deps, client, params, now);
    case 'refresh_token':
      return refresh(deps, client, params, now);
    case undefined:
      throw new McpOAuthError('invalid_request', 'grant_type is required.');
    default:
      throw new McpOAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  }
}

async function redeemCode(deps: Pick<McpAuthDeps, 'db'>, client: McpClient, params: Record<string, string>, now: Date): Promise<McpTokenResponse> {
  const code = params['code'];
  const verifier = params['code_verifier'];
  if (!code) throw new McpOAuthError('invalid_request', 'code is required.');
  if (!verifier) throw new McpOAuthError('invalid_request', 'code_verifier is required (PKCE).');
  if (!params['redirect_uri']) throw new McpOAuthError('invalid_request', 'redirect_uri is required.');
  const hash = hashToken(code);
  // Failures are returned, not thrown, inside the transaction: a consumed code stays consumed (one attempt per
  // code, even a failed one) and a replay's revocation commits before the refusal is answered.
  const outcome = await deps.db.transaction(async (tx): Promise<{ tokens: McpTokenResponse } | { refused: McpOAuthError }> => {
    const refuse = (error: McpOAuthError['error'], description: string) => ({ refused: new McpOAuthError(error, description) });
    const consumed = await consumeMcpOauthCode(tx, hash, now);
    if (!consumed) {
      const known = await findMcpOauthCode(tx, hash);
      if (known?.usedAt) {
        await revokeMcpOauthGrant(tx, known.grantId, now);
        return refuse('invalid_grant', 'The authorization code was already used; every token issued with it is revoked.');
      }
      return refuse('invalid_grant', known ? 'The authorization code has expired.' : 'The authorization code is not valid.');
    }
    const { code: row, grant } = consumed;
    if (grant.clientId !== client.id) return refuse('invalid_grant', 'The authorization code was issued to another client.');
    if (row.redirectUri !== params['redirect_uri']) return refuse('invalid_grant', 'redirect_uri differs from the authorization request.');
    if (params['resource'] !== undefined && params['resource'] !== grant.resource) return refuse('invalid_target', `resource must be ${grant.resource}, as authorized.`);
    if (!pkceMatches(verifier, row.codeChallenge)) return refuse('invalid_grant', 'code_verifier does not match the code_challenge (PKCE).');
    return { tokens: await issueMcpTokens(tx, grant, now) };
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.tokens;
}

async function refresh(deps: Pick<McpAuthDeps, 'db'>, client: McpClient, params: Record<string, string>, now: Date): Promise<McpTokenResponse> {
  const token = params['refresh_token'];
  if (!token) throw new McpOAuthError('invalid_request', 'refresh_token is required.');
  const hash = hashToken(token);
  const outcome = await deps.db.transaction(async (tx) => {
    const rotated = await rotateMcpRefreshToken(tx, hash, now);
    if (!rotated) {
      const known = await findMcpOauthToken(tx, hash);
      if (known?.kind === 'refresh' && known.rotatedAt && known.clientId === client.id) {
        await revokeMcpOauthGrant(tx, known.grantId, now);
        return { reused: true as const };
      }
      throw new McpOAuthError('invalid_grant', 'The refresh token is not valid, expired or revoked.');
    }
    const { grant } = rotated;
    if (grant.clientId !== client.id) throw new McpOAuthError('invalid_grant', 'The refresh token was issued to another client.');
    if (params['resource'] !== undefined && params['resource'] !== grant.resource) throw new McpOAuthError('invalid_target', `resource must be ${grant.resource}, as authorized.`);
    if (params['scope'] !== undefined) {
      const granted = grant.scope.split(' ');
      const extra = params['scope'].split(' ').filter(Boolean).find((s) => !granted.includes(s));
      if (extra) throw new McpOAuthError('invalid_scope', `Scope "${extra.slice(0, 50)}" was not granted.`);
    }
    return { tokens: await issueMcpTokens(tx, grant, now) };
  });
  // Committed before refusing: the revocation must survive the error answer.
  if ('reused' in outcome) throw new McpOAuthError('invalid_grant', 'This refresh token was already used; the grant is revoked (sign in and approve again).');
  return outcome.tokens;
}
