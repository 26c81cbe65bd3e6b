import { AppError } from '../../contracts/errors.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { revokeApiKey as markApiKeyRevoked } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';

/** Revokes one of the workspace's active keys (`not_found` otherwise), audit-logged; it stops working at once. */
export async function revokeApiKey(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; actorKeyId: string; keyId: string }): Promise<void> {
  if (!(await markApiKeyRevoked(deps.db, input.workspaceId, input.keyId))) throw new AppError('not_found', `No active API key "${input.keyId}".`);
  await insertAuditLog(deps.db, { workspaceId: input.workspaceId, actorKeyId: input.actorKeyId, action: 'api_key.revoke', targetType: 'api_key', targetId: input.keyId, data: null });
}
