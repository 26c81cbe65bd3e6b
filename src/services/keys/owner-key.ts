import { hashToken } from '../../core/api-key-hash.js';
import { newId } from '../../core/ids.js';
import type { Db } from '../../db/db.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { findActiveApiKeyByHash, firstOwnerMember, firstWorkspaceId, getWorkspace, insertApiKey, insertMember, revokeOwnerKeys } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';
import { mintApiKey } from './mint-api-key.js';

export interface IssuedOwnerKey {
  workspaceId: string;
  keyId: string;
  /** In clear: shown once, stored only as its hash. */
  apiKey: string;
  revoked: number;
}

/**
 * A new owner key for a workspace (the installation's first by default), for an operator who lost theirs. No API
 * key can ask for this: the caller proves ownership by reaching the database itself (the embedded data folder or
 * DATABASE_URL), which already grants everything. Audit-logged; `revokeOthers` ends every other owner key.
 */
export async function issueOwnerKey(deps: Pick<ServiceDeps, 'db'>, options: { workspaceId?: string | undefined; revokeOthers?: boolean }): Promise<IssuedOwnerKey> {
  return deps.db.transaction(async (tx) => {
    const workspaceId = options.workspaceId ?? (await firstWorkspaceId(tx));
    if (!workspaceId || !(await getWorkspace(tx, workspaceId))) {
      throw new Error(options.workspaceId ? `No workspace "${options.workspaceId}".` : 'The database has no workspace yet: start `tributary serve` once, it creates one.');
    }
    const member = (await firstOwnerMember(tx, workspaceId)) ?? (await insertMember(tx, { id: newId('mem'), workspaceId, email: 'owner@localhost', role: 'owner' }));
    const { apiKey, prefix, hash } = mintApiKey();
    const keyId = newId('key');
    await insertApiKey(tx, { id: keyId, workspaceId, memberId: member.id, name: 'owner key (issued by tributary keys owner)', prefix, hash, role: 'owner' });
    const revoked = options.revokeOthers ? await revokeOwnerKeys(tx, workspaceId, keyId) : 0;
    await insertAuditLog(tx, { workspaceId, actorKeyId: null, action: 'api_key.owner_issued_locally', targetType: 'api_key', targetId: keyId, data: { revoked_other_owner_keys: revoked } });
    return { workspaceId, keyId, apiKey, revoked };
  });
}

/** Whether a key in clear is a live API key of this database (TRIBUTARY_ADMIN_KEY after the first start). */
export async function isLiveApiKey(db: Db, key: string): Promise<boolean> {
  return (await findActiveApiKeyByHash(db, hashToken(key))) !== undefined;
}
