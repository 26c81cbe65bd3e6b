import { randomBytes } from 'node:crypto';
import { AppError } from '../contracts/errors.js';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * The vault's keys. The first is the active one (new ciphertexts use it); the others still decrypt what they
 * encrypted until rotation has re-encrypted everything. Format: `kid:base64key,kid2:base64key`.
 */
export class Keyring {
  readonly keys: readonly EncryptionKey[];

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new AppError('encryption_key_missing', 'The key ring has no key.');
    const seen = new Set<string>();
    for (const k of keys) {
      if (k.key.length !== 32) {
        throw new AppError('encryption_key_missing', `Encryption key "${k.id}" must be 32 bytes (base64), got ${k.key.length}.`);
      }
      if (seen.has(k.id)) throw new AppError('encryption_key_missing', `Encryption key id "${k.id}" appears twice.`);
      seen.add(k.id);
    }
    this.keys = keys;
  }

  static parse(spec: string): Keyring {
    const keys = spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf(':');
        if (at <= 0) throw new AppError('encryption_key_missing', 'TRIBUTARY_ENCRYPTION_KEYS must look like "kid:base64key[,kid2:base64key]".');
        return { id: part.slice(0, at), key: Buffer.from(part.slice(at + 1), 'base64') };
      });
    return new Keyring(keys);
  }

  static generateKey(id: string): EncryptionKey {
    return { id, key: randomBytes(32) };
  }

  format(): string {
    return this.keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
  }

  get active(): EncryptionKey {
    return this.keys[0]!;
  }

  find(id: string): EncryptionKey | undefined {
    return this.keys.find((k) => k.id === id);
  }
}
