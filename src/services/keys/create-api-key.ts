import type { Role } from '../../contracts/roles.js';
import { newId } from '../../core/ids.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { insertApiKey, type ApiKeyRow } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';
import { narrowedKeyScope, type KeyScope } from './key-scope.js';
import { mintApiKey } from './mint-api-key.js';

/**
 * A new API key for the caller's workspace, audit-logged. A key never grants more than its creator has (see
 * narrowedKeyScope): an admin cannot mint an owner key, a read-only or product-scoped key cannot mint a broader one.
 * The key in clear is returned once; only its hash is stored.
 */
export async function createApiKey(
  deps: Pick<ServiceDeps, 'db'>,
  input: {
    workspaceId: string;
    actorKeyId: string;
    /** The creating key's own scope. */
    actor: KeyScope;
    name: string;
    role: Role;
    readOnly?: boolean | undefined;
    /** Omitted: the creator's products; null: every product. */
    products?: string[] | null | undefined;
  },
): Promise<{ row: ApiKeyRow; apiKey: string }> {
  const scope = narrowedKeyScope(input.actor, { role: input.role, readOnly: input.readOnly, products: input.products });
  const minted = mintApiKey();
  const row = await insertApiKey(deps.db, {
    id: newId('key'),
    workspaceId: input.workspaceId,
    name: input.name,
    prefix: minted.prefix,
    hash: minted.hash,
    role: scope.role,
    readOnly: scope.readOnly,
    products: scope.products,
  });
  await insertAuditLog(deps.db, {
    workspaceId: input.workspaceId,
    actorKeyId: input.actorKeyId,
    action: 'api_key.create',
    targetType: 'api_key',
    targetId: row.id,
    data: { role: row.role, read_only: row.readOnly, products: row.products },
  });
  return { row, apiKey: minted.apiKey };
}
