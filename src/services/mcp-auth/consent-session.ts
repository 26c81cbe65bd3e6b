import { randomBytes } from 'node:crypto';
import type { Role } from '../../contracts/roles.js';
import type { Vault } from '../../core/vault.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { mcpOAuthLifetimes } from './mcp-auth-settings.js';

/** Who signed in on the consent page, and the ceilings the approval may not exceed. */
export interface ConsentSignIn {
  keyId: string;
  memberId: string | null;
  workspaceId: string;
  workspaceName: string;
  role: Role;
  readOnly: boolean;
  products: string[] | null;
}

/**
 * The consent page's state between its steps, sealed with the vault (AES-256-GCM, bound to this purpose) into a
 * hidden form field: the checked request, the CSRF token it was issued with and, after sign-in, who signed in.
 * Stateless, tamper-proof, and expired after ten minutes; the API key itself is never in it.
 */
export interface ConsentSession {
  request: AuthorizationRequest;
  csrf: string;
  expiresAt: number;
  signIn?: ConsentSignIn;
}

const purpose = 'mcp-oauth-consent';

export function newConsentSession(request: AuthorizationRequest, now = Date.now()): ConsentSession {
  return { request, csrf: randomBytes(24).toString('base64url'), expiresAt: now + mcpOAuthLifetimes.consentSeconds * 1000 };
}

export function sealConsentSession(vault: Vault, session: ConsentSession): string {
  return vault.encrypt(session, purpose);
}

/** The session, or undefined when the field was tampered with, sealed under a retired key, or expired. */
export function openConsentSession(vault: Vault, sealed: string, now = Date.now()): ConsentSession | undefined {
  let session: ConsentSession;
  try {
    session = vault.decrypt<ConsentSession>(sealed, purpose);
  } catch {
    return undefined;
  }
  return session.expiresAt > now ? session : undefined;
}
