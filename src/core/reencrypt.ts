import type { VaultColumn } from './vault-columns.js';
import { Vault } from './vault.js';

/** One stored ciphertext, as read from its column. */
export interface StoredCiphertext {
  id: string;
  envelope: string;
}

/** A replacement to write only if the row still holds `previous` (optimistic concurrency). */
export interface CiphertextSwap {
  id: string;
  previous: string;
  next: string;
}

/** Ciphertexts per key id, e.g. `{ k1: 300, k2: 12 }`. */
export type KeyCounts = Record<string, number>;

/**
 * Re-encrypts a batch under the vault's active key, bound to the same associated data as before. Rows already
 * under the active key are left alone; rows that do not decrypt (a key missing from the ring, tampered data)
 * are reported by key id rather than failing the batch, and stay as they are.
 */
export function reencryptBatch(vault: Vault, column: VaultColumn, rows: readonly StoredCiphertext[]): { swaps: CiphertextSwap[]; failed: KeyCounts } {
  const swaps: CiphertextSwap[] = [];
  const failed: KeyCounts = {};
  for (const row of rows) {
    const keyId = Vault.keyIdOf(row.envelope) ?? '(unknown)';
    if (keyId === vault.activeKeyId) continue;
    const boundTo = column.boundTo(row.id);
    let value: unknown;
    try {
      value = vault.decrypt(row.envelope, boundTo);
    } catch {
      failed[keyId] = (failed[keyId] ?? 0) + 1;
      continue;
    }
    swaps.push({ id: row.id, previous: row.envelope, next: vault.encrypt(value, boundTo) });
  }
  return { swaps, failed };
}

export function addCounts(into: KeyCounts, more: KeyCounts): KeyCounts {
  for (const [keyId, n] of Object.entries(more)) into[keyId] = (into[keyId] ?? 0) + n;
  return into;
}

/** The counts of every key but the active one, dropping zeros: what a rotation has left to do. */
export function countsOutside(counts: KeyCounts, activeKeyId: string): KeyCounts {
  return Object.fromEntries(Object.entries(counts).filter(([keyId, n]) => keyId !== activeKeyId && n > 0));
}
