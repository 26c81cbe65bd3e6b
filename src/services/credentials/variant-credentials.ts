import type { Vault } from '../../core/vault.js';
import type { Db } from '../../db/db.js';
import { listVariantGroup, lockConnectionById, updateConnectionById, type ConnectionRow } from '../../db/queries/connections.js';
import type { ConnectionSecrets } from './connection-secrets.js';

/**
 * Variants share their base connection's credentials. Each row keeps its own ciphertext (the vault binds a
 * ciphertext to its connection's id), so whatever changes them on one member — a refreshed or rotated OAuth
 * token, new fields, a re-authorization — is written to every member of the group, in the caller's
 * transaction. With rotating refresh tokens this is what keeps the others working: the token they held is
 * spent the moment one of them refreshes.
 */
export async function shareCredentials(tx: Db, vault: Vault, row: Pick<ConnectionRow, 'id' | 'workspaceId' | 'variantGroupId'>, secrets: ConnectionSecrets): Promise<number> {
  if (!row.variantGroupId) return 0;
  let shared = 0;
  for (const member of await listVariantGroup(tx, row.workspaceId, row.variantGroupId)) {
    if (member.id === row.id) continue;
    await updateConnectionById(tx, member.id, { credentials: vault.encrypt(secrets, member.id), credentialsKeyId: vault.activeKeyId });
    shared++;
  }
  return shared;
}

/** The row whose lock serialises credential changes across a group (the base), or the connection itself. */
function credentialLockId(row: Pick<ConnectionRow, 'id' | 'variantGroupId'>): string {
  return row.variantGroupId ?? row.id;
}

/**
 * Runs `write` in a transaction that first takes the group's credential lock, the row token refreshes lock first
 * (see fresh-credentials.ts): a re-authorization or a change of fields and a refresh of the same grant then
 * happen one after the other, and neither overwrites the other's secrets with older ones.
 */
export async function withCredentialLock<T>(db: Db, row: Pick<ConnectionRow, 'id' | 'variantGroupId'>, write: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await lockConnectionById(tx, credentialLockId(row));
    return write(tx as Db);
  });
}
