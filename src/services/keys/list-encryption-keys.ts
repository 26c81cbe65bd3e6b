import type { KeyCounts } from '../../core/reencrypt.js';
import type { ServiceDeps } from '../service-deps.js';
import { countAllByKey } from './reencrypt-vault.js';

export interface EncryptionKeyList {
  source: 'file' | 'env';
  activeKey: string;
  /** The ring's keys by id (never their material), with how many stored ciphertexts use each. */
  keys: { id: string; active: boolean; ciphertexts: number }[];
  /** Key ids found in stored data but absent from this process's ring (another process's newer key, or a lost one). */
  unknownKeys: KeyCounts;
}

/** The vault's key ring and its use, across every workspace: the ring belongs to the installation. */
export async function listEncryptionKeys(deps: Pick<ServiceDeps, 'db' | 'keys'>): Promise<EncryptionKeyList> {
  const ring = deps.keys.keyring;
  const counts = await countAllByKey(deps);
  const known = new Set(ring.keys.map((k) => k.id));
  return {
    source: deps.keys.source,
    activeKey: ring.active.id,
    keys: ring.keys.map((k) => ({ id: k.id, active: k.id === ring.active.id, ciphertexts: counts[k.id] ?? 0 })),
    unknownKeys: Object.fromEntries(Object.entries(counts).filter(([id]) => !known.has(id))),
  };
}
