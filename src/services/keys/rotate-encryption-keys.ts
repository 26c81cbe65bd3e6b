import { insertAuditLog } from '../../db/queries/audit-log.js';
import type { ServiceDeps } from '../service-deps.js';
import { reencryptVault, type ReencryptReport } from './reencrypt-vault.js';

export interface Rotation extends ReencryptReport {
  source: 'file' | 'env';
  /** True when this call generated the active key (key file); false when it was already active (environment). */
  newKey: boolean;
}

/**
 * Key file: a new active key is generated and written first, then every ciphertext is re-encrypted under it.
 * Environment (TRIBUTARY_ENCRYPTION_KEYS): the operator already made the first key active; this re-encrypts.
 * Serialised with other key operations in this process (KeyStore.exclusive), audit-logged.
 */
export async function rotateEncryptionKeys(
  deps: Pick<ServiceDeps, 'db' | 'vault' | 'keys'>,
  input: { workspaceId: string; actorKeyId: string; batchSize: number },
): Promise<Rotation> {
  const { keys } = deps;
  return keys.exclusive(async () => {
    const newKey = keys.source === 'file' ? await keys.addActiveKey() : undefined;
    const report = await reencryptVault(deps, { batchSize: input.batchSize });
    await insertAuditLog(deps.db, {
      workspaceId: input.workspaceId,
      actorKeyId: input.actorKeyId,
      action: 'encryption_key.rotate',
      targetType: 'encryption_key',
      targetId: report.activeKey,
      data: { new_key: newKey !== undefined, reencrypted: report.reencrypted, remaining: report.remaining },
    });
    return { ...report, source: keys.source, newKey: newKey !== undefined };
  });
}
