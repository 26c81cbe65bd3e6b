import { randomBytes } from 'node:crypto';
import { AppError } from '../contracts/errors.js';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** Key ids travel inside every ciphertext (`v1.<kid>.…`, split on dots) and in the ring's text (`kid:key,…`). */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The vault's keys. The first is the active one (new ciphertexts use it); the others still decrypt what they
 * encrypted until rotation has re-encrypted everything. Format: `kid:base64key,kid2:base64key`.
 *
 * Mutable for rotation without a restart (embedded mode): `add` makes a new key active, `remove` drops a
 * retired one. Each is one synchronous swap of the whole list, so a request running concurrently sees the
 * ring either before or after, never half-changed; the vault reads `active` at each encryption.
 */
export class Keyring {
  #keys: readonly EncryptionKey[];

  constructor(keys: EncryptionKey[], source = 'TRIBUTARY_ENCRYPTION_KEYS') {
    if (keys.length === 0) throw new AppError('encryption_key_missing', `${source} has no key.`);
    Keyring.validate(keys, source);
    this.#keys = Object.freeze([...keys]);
  }

  /** Parses `kid:base64key[,kid2:base64key]`; `source` names where it came from in error messages. */
  static parse(spec: string, source = 'TRIBUTARY_ENCRYPTION_KEYS'): Keyring {
    const keys = spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf(':');
        if (at <= 0) throw new AppError('encryption_key_missing', `${source} must look like "kid:base64key[,kid2:base64key]" (generate one with \`tributary keys generate\`).`);
        const encoded = part.slice(at + 1).trim();
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
          throw new AppError('encryption_key_missing', `${source}: key "${part.slice(0, at).slice(0, 64)}" is not base64.`);
        }
        return { id: part.slice(0, at).trim(), key: Buffer.from(encoded, 'base64') };
      });
    return new Keyring(keys, source);
  }

  static generateKey(id: string = Keyring.newKeyId()): EncryptionKey {
    return { id, key: randomBytes(32) };
  }

  /** `k` + time (base36, so ids sort by age) + a random suffix (two rotations in one millisecond differ). */
  static newKeyId(): string {
    return `k${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  }

  private static validate(keys: readonly EncryptionKey[], source: string): void {
    const seen = new Set<string>();
    for (const k of keys) {
      // Messages name key ids, never key material.
      if (!KEY_ID.test(k.id)) throw new AppError('encryption_key_missing', `${source}: key id "${k.id.slice(0, 64)}" must be 1-64 letters, digits, _ or -.`);
      if (k.key.length !== 32) {
        throw new AppError('encryption_key_missing', `${source}: encryption key "${k.id}" must be 32 bytes (base64), got ${k.key.length}.`);
      }
      if (seen.has(k.id)) throw new AppError('encryption_key_missing', `${source}: encryption key id "${k.id}" appears twice.`);
      seen.add(k.id);
    }
  }

  get keys(): readonly EncryptionKey[] {
    return this.#keys;
  }

  format(): string {
    return Keyring.format(this.#keys);
  }

  static format(keys: readonly EncryptionKey[]): string {
    return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
  }

  get active(): EncryptionKey {
    return this.#keys[0]!;
  }

  find(id: string): EncryptionKey | undefined {
    return this.#keys.find((k) => k.id === id);
  }

  /** The ring with `key` first (active), as `add` would make it; nothing changes. */
  withActive(key: EncryptionKey): EncryptionKey[] {
    const next = [key, ...this.#keys];
    Keyring.validate(next, 'the key ring');
    return next;
  }

  /** The ring without `id`, as `remove` would make it; the active key cannot be removed. */
  without(id: string): EncryptionKey[] {
    if (!this.find(id)) throw new AppError('not_found', `No encryption key "${id}" in the key ring.`);
    if (this.active.id === id) throw new AppError('key_in_use', `Encryption key "${id}" is the active key; rotate to a new key first.`);
    return this.#keys.filter((k) => k.id !== id);
  }

  /** Makes `key` the active key; the previous ones keep decrypting. */
  add(key: EncryptionKey): void {
    this.#keys = Object.freeze(this.withActive(key));
  }

  /** Drops a retired key: ciphertexts still under it would no longer decrypt, so callers check first. */
  remove(id: string): void {
    this.#keys = Object.freeze(this.without(id));
  }
}
