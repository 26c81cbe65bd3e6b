import { AppError } from '../../contracts/errors.js';
import { roleAtLeast, type Role } from '../../contracts/roles.js';
import { newId } from '../../core/ids.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { insertApiKey, type ApiKeyRow } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';
import { mintApiKey } from './mint-api-key.js';

/**
 * A new API key for the caller's workspace, audit-logged. A key never grants more than its creator has: an admin
 * cannot mint an owner key. The key in clear is returned once; only its hash is stored.
 */
export async function createApiKey(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; actorKeyId: string; actorRole: Role; name: string; role: Role },
): Promise<{ row: ApiKeyRow; apiKey: string }> {
  if (!roleAtLeast(input.actorRole, input.role)) throw new AppError('forbidden', `A ${input.actorRole} cannot create a key with the ${input.role} role.`);
  const minted = mintApiKey();
  const row = await insertApiKey(deps.db, { id: newId('key'), workspaceId: input.workspaceId, name: input.name, prefix: minted.prefix, hash: minted.hash, role: input.role });
  await insertAuditLog(deps.db, { workspaceId: input.workspaceId, actorKeyId: input.actorKeyId, action: 'api_key.create', targetType: 'api_key', targetId: row.id, data: { role: row.role } });
  return { row, apiKey: minted.apiKey };
}
