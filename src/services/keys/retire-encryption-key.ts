import { AppError } from '../../contracts/errors.js';
import { countsOutside, type KeyCounts } from '../../core/reencrypt.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import type { ServiceDeps } from '../service-deps.js';
import { countAllByKey } from './reencrypt-vault.js';

export type Retirement =
  | {
      retired: true;
      source: 'file' | 'env';
      kid: string;
      activeKey: string;
      /** file: the key ring now; env: the key ids TRIBUTARY_ENCRYPTION_KEYS must keep, in this order. */
      keyIds: string[];
      message: string;
    }
  /** Refused (`key_in_use`): the key is active or stored secrets still use it; what is under older keys, by key id. */
  | { retired: false; message: string; remaining: KeyCounts };

/**
 * Retires a key nothing uses any more: removed from the key file, or (environment) the operator is told which
 * ids to keep. Refused while it is the active key or any ciphertext uses it; `not_found` for an id neither in the
 * ring nor in the data. Serialised with other key operations in this process, audit-logged.
 */
export async function retireEncryptionKey(deps: Pick<ServiceDeps, 'db' | 'keys'>, input: { workspaceId: string; actorKeyId: string; kid: string }): Promise<Retirement> {
  const { keys } = deps;
  const ring = keys.keyring;
  const { kid } = input;
  return keys.exclusive(async () => {
    const counts = await countAllByKey(deps);
    const using = counts[kid] ?? 0;
    if (!ring.find(kid) && using === 0) throw new AppError('not_found', `No encryption key "${kid}" in the key ring.`);
    if (kid === ring.active.id || using > 0) {
      const why = kid === ring.active.id ? `"${kid}" is the active key` : `${using} stored secret(s) still use "${kid}"`;
      return {
        retired: false,
        message: `Cannot retire encryption key "${kid}": ${why}. Run \`tributary keys rotate\` (POST /api/v1/keys/rotate) first.`,
        remaining: countsOutside(counts, ring.active.id),
      };
    }
    if (keys.source === 'file') await keys.removeKey(kid);
    const keep = ring.keys.map((k) => k.id).filter((id) => id !== kid);
    await insertAuditLog(deps.db, { workspaceId: input.workspaceId, actorKeyId: input.actorKeyId, action: 'encryption_key.retire', targetType: 'encryption_key', targetId: kid, data: { source: keys.source } });
    const message =
      keys.source === 'file'
        ? `Encryption key "${kid}" was removed from the key file and from the running key ring.`
        : `Nothing uses encryption key "${kid}" any more. Remove "${kid}" from TRIBUTARY_ENCRYPTION_KEYS in every process, keeping ${keep.map((id) => `"${id}"`).join(', ')} in this order, then restart them.`;
    return { retired: true, source: keys.source, kid, activeKey: ring.active.id, keyIds: keep, message };
  });
}
