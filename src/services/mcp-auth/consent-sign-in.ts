import { AppError } from '../../contracts/errors.js';
import { getWorkspace } from '../../db/queries/workspaces.js';
import { findLiveApiKeyById } from '../../db/queries/mcp-oauth.js';
import { authenticateApiKey } from '../keys/authenticate-api-key.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ConsentSignIn } from './consent-session.js';

/**
 * The consent page's sign-in. Members have no password yet (the web console brings sessions), so a member signs
 * in with an API key of theirs, or an owner with an owner key: the key's workspace, role, read-only flag and
 * products become the ceilings of what this approval may grant. Undefined for a key that is not valid.
 */
export async function signInForConsent(deps: Pick<ServiceDeps, 'db'>, apiKey: string): Promise<ConsentSignIn | undefined> {
  let identity;
  try {
    identity = await authenticateApiKey(deps, { key: apiKey.trim(), lastUsedWrites: new Map() });
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') return undefined;
    throw error;
  }
  const [key, workspace] = await Promise.all([findLiveApiKeyById(deps.db, identity.keyId), getWorkspace(deps.db, identity.workspaceId)]);
  if (!key || !workspace) return undefined;
  return {
    keyId: identity.keyId,
    memberId: key.memberId,
    workspaceId: identity.workspaceId,
    workspaceName: workspace.name,
    role: identity.role,
    readOnly: identity.readOnly,
    products: identity.products,
  };
}
