import { roleAtLeast, type Role } from '../../contracts/roles.js';
import { hashToken } from '../../core/api-key-hash.js';
import { newId, newSecretToken } from '../../core/ids.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { findLiveApiKeyById, insertMcpOauthCode, insertMcpOauthGrant } from '../../db/queries/mcp-oauth.js';
import type { ServiceDeps } from '../service-deps.js';
import { clientRedirect } from './authorization-request.js';
import type { ConsentSession } from './consent-session.js';
import { mcpOAuthLifetimes } from './mcp-auth-settings.js';

/** What the member picked on the consent page. */
export interface ConsentChoice {
  role: Role;
  readOnly: boolean;
  /** Products to limit the grant to; null for all the key may see. */
  products: string[] | null;
}

export type ApprovalOutcome = { ok: true; redirect: string } | { ok: false; problem: string };

/**
 * The member approved: a grant within the signed-in key's ceilings (role, read-only, products) and a single-use
 * code (60 s, stored hashed) bound to the client, redirect URI, PKCE challenge and resource. A choice above a
 * ceiling is refused with a message for the page, never silently widened or narrowed.
 */
export async function approveAuthorization(deps: Pick<ServiceDeps, 'db' | 'config'>, session: ConsentSession, choice: ConsentChoice, now = new Date()): Promise<ApprovalOutcome> {
  const signIn = session.signIn;
  if (!signIn) return { ok: false, problem: 'Sign in first.' };
  const key = await findLiveApiKeyById(deps.db, signIn.keyId);
  if (!key || key.workspaceId !== signIn.workspaceId) return { ok: false, problem: 'The API key you signed in with has been revoked; sign in again.' };
  const keyRole = key.role as Role;
  if (!roleAtLeast(keyRole, choice.role) || !roleAtLeast(signIn.role, choice.role)) {
    return { ok: false, problem: `The role ceiling may not exceed the signed-in key's role (${keyRole}).` };
  }
  let products = choice.products;
  if (products !== null && (products.length > 50 || products.some((p) => p.length === 0 || p.length > 100))) {
    return { ok: false, problem: 'Name at most 50 products, each 1 to 100 characters.' };
  }
  if (signIn.products !== null) {
    if (products === null) products = signIn.products;
    const outside = products.find((p) => !signIn.products!.includes(p));
    if (outside !== undefined) return { ok: false, problem: `Product "${outside}" is outside the signed-in key's products (${signIn.products.join(', ')}).` };
  }
  const readOnly = choice.readOnly || signIn.readOnly || session.request.readOnlyRequested;
  const grantId = newId('mcpg');
  const code = newSecretToken('trb_mac');
  await deps.db.transaction(async (tx) => {
    await insertMcpOauthGrant(tx, {
      id: grantId,
      workspaceId: signIn.workspaceId,
      clientId: session.request.clientId,
      apiKeyId: signIn.keyId,
      memberId: signIn.memberId,
      role: choice.role,
      readOnly,
      products,
      resource: session.request.resource,
      scope: readOnly ? 'mcp:read' : 'mcp:read mcp:write',
      createdAt: now,
    });
    await insertMcpOauthCode(tx, {
      hash: hashToken(code),
      grantId,
      redirectUri: session.request.redirectUri,
      codeChallenge: session.request.codeChallenge,
      expiresAt: new Date(now.getTime() + mcpOAuthLifetimes.codeSeconds * 1000),
      createdAt: now,
    });
    // Who let which client in, with what: the workspace's admins see MCP clients arrive in the audit log.
    await insertAuditLog(tx, {
      workspaceId: signIn.workspaceId,
      actorKeyId: signIn.keyId,
      action: 'mcp_oauth.grant_approved',
      targetType: 'mcp_oauth_grant',
      targetId: grantId,
      data: { client_id: session.request.clientId, client_name: session.request.clientName, role: choice.role, read_only: readOnly, products },
      at: now,
    });
  });
  return { ok: true, redirect: clientRedirect(deps.config.publicUrl, session.request.redirectUri, session.request.state, { code }) };
}
