import { addCounts, countsOutside, reencryptBatch, type KeyCounts } from '../../core/reencrypt.js';
import { vaultColumns, type VaultColumn } from '../../core/vault-columns.js';
import { countCiphertextsByKey, pageCiphertextsNotUnder, swapCiphertexts } from '../../db/queries/vault-ciphertexts.js';
import type { ServiceDeps } from '../service-deps.js';

export interface ReencryptReport {
  activeKey: string;
  /** Ciphertexts per key id, all vault columns together, before and after. */
  before: KeyCounts;
  after: KeyCounts;
  /** Ciphertexts rewritten under the active key. */
  reencrypted: number;
  /** Rows another writer changed between our read and our write: their newer value was kept. */
  superseded: number;
  /** Ciphertexts that did not decrypt (key missing from the ring, tampered data), by key id; left as they were. */
  failed: KeyCounts;
  /** What is still under another key than the active one, by key id: `{}` when the rotation is complete. */
  remaining: KeyCounts;
  passes: number;
}

export interface ReencryptOptions {
  /** Rows per batch; each batch is one statement, so one short transaction. */
  batchSize?: number;
  /** Passes over the columns at most; a pass that finds nothing to do ends it early. */
  maxPasses?: number;
  columns?: readonly VaultColumn[];
}

/**
 * Re-encrypts every vault ciphertext not under the active key, while the service keeps running: rows are read
 * a page at a time, re-encrypted in memory and written back in batches, each row only if it still holds what
 * was read. A concurrent writer therefore always wins (its value is new, so already under the active key), and
 * a row it wrote with the previous key just before a key switch is picked up by the next pass.
 */
export async function reencryptVault(deps: Pick<ServiceDeps, 'db' | 'vault'>, options: ReencryptOptions = {}): Promise<ReencryptReport> {
  const { db, vault } = deps;
  const batchSize = options.batchSize ?? 100;
  const maxPasses = options.maxPasses ?? 3;
  const columns = options.columns ?? vaultColumns;
  const activeKey = vault.activeKeyId;
  const before = await countAllByKey(deps, { columns });
  let reencrypted = 0;
  let superseded = 0;
  let passes = 0;
  let failed: KeyCounts = {};
  for (let pass = 1; pass <= maxPasses; pass++) {
    passes = pass;
    failed = {};
    let candidates = 0;
    for (const column of columns) {
      let afterId = '';
      for (;;) {
        const page = await pageCiphertextsNotUnder(db, column, activeKey, afterId, batchSize);
        if (page.length === 0) break;
        candidates += page.length;
        const { swaps, failed: batchFailed } = reencryptBatch(vault, column, page);
        addCounts(failed, batchFailed);
        const written = await swapCiphertexts(db, column, swaps);
        reencrypted += written;
        superseded += swaps.length - written;
        afterId = page[page.length - 1]!.id;
        if (page.length < batchSize) break;
      }
    }
    const undecryptable = Object.values(failed).reduce((a, b) => a + b, 0);
    // Done when all that is left (if anything) cannot be decrypted: another pass would not change it.
    if (candidates === undecryptable) break;
  }
  const after = await countAllByKey(deps, { columns });
  return { activeKey, before, after, reencrypted, superseded, failed, remaining: countsOutside(after, activeKey), passes };
}

/** Ciphertexts per key id over every vault column. */
export async function countAllByKey(deps: Pick<ServiceDeps, 'db'>, input: { columns?: readonly VaultColumn[] } = {}): Promise<KeyCounts> {
  const total: KeyCounts = {};
  for (const column of input.columns ?? vaultColumns) addCounts(total, await countCiphertextsByKey(deps.db, column));
  return total;
}
