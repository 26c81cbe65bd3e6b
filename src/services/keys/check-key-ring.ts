import { AppError } from '../../contracts/errors.js';
import { vaultColumns, type VaultColumn } from '../../core/vault-columns.js';
import type { Vault } from '../../core/vault.js';
import { countCiphertextsByKey, sampleCiphertexts } from '../../db/queries/vault-ciphertexts.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * A wrong key ring is an error at start, not a failed sync hours later: every key id found in a vault column
 * must be in the ring (missing), and the ring's key of that id must decrypt one of its ciphertexts (wrong key
 * material under the right id, e.g. a hand-edited variable). Messages name key ids and columns, never keys.
 */
export async function checkKeyRing(deps: Pick<ServiceDeps, 'db' | 'vault'>, input: { columns?: readonly VaultColumn[] } = {}): Promise<void> {
  const { db, vault } = deps;
  const columns = input.columns ?? vaultColumns;
  const missing = new Map<string, string[]>();
  for (const column of columns) {
    for (const keyId of Object.keys(await countCiphertextsByKey(db, column))) {
      if (vault.hasKey(keyId)) {
        // A few rows, and only none decrypting counts: one corrupt row must not keep the service from starting.
        const samples = await sampleCiphertexts(db, column, keyId, 3);
        if (samples.length > 0 && !samples.some((s) => decrypts(vault, s.envelope, column.boundTo(s.id)))) {
          throw new AppError(
            'encryption_key_missing',
            `Encryption key "${keyId}" in the key ring does not decrypt the stored ${column.name}: the ring holds a different key under that id. Restore the original key "${keyId}".`,
          );
        }
      } else missing.set(keyId, [...(missing.get(keyId) ?? []), column.name]);
    }
  }
  if (missing.size > 0) {
    const list = [...missing].map(([keyId, where]) => `"${keyId}" (${where.join(', ')})`).join(', ');
    throw new AppError('encryption_key_missing', `Stored secrets use encryption key(s) ${list}, missing from the key ring. Add them back to TRIBUTARY_ENCRYPTION_KEYS (or the key file) after the active key.`);
  }
}

function decrypts(vault: Vault, envelope: string, boundTo: string): boolean {
  try {
    vault.decrypt(envelope, boundTo);
    return true;
  } catch {
    return false;
  }
}
