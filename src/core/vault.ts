import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../contracts/errors.js';
import type { Keyring } from './keyring.js';

/**
 * AES-256-GCM envelope for credentials: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url). The key id travels
 * with the ciphertext so keys can rotate without downtime. The connection id is bound as associated data,
 * so a ciphertext copied onto another connection does not decrypt.
 */
export class Vault {
  constructor(private readonly keyring: Keyring) {}

  get activeKeyId(): string {
    return this.keyring.active.id;
  }

  encrypt(value: unknown, boundTo: string): string {
    const key = this.keyring.active;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', key.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt<T = unknown>(envelope: string, boundTo: string): T {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new AppError('internal', 'Stored credentials are in an unknown format.');
    const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    const key = this.keyring.find(keyId);
    if (!key) {
      throw new AppError('encryption_key_missing', `Stored credentials use encryption key "${keyId}", which is not in TRIBUTARY_ENCRYPTION_KEYS.`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as T;
    } catch (cause) {
      throw new AppError('encryption_key_missing', `Stored credentials do not decrypt with key "${keyId}": wrong key or tampered data.`, { cause });
    }
  }

  /**
   * A key for another purpose (signing OAuth state), derived from a ring key with HKDF-SHA256, so no second
   * secret needs configuring and one purpose's key says nothing about another's or the vault key. Pass the key
   * id a signature carries to verify it after a rotation; undefined when that key left the ring.
   */
  derivedKey(purpose: string, keyId?: string): { id: string; key: Buffer } | undefined {
    const source = keyId === undefined ? this.keyring.active : this.keyring.find(keyId);
    if (!source) return undefined;
    return { id: source.id, key: Buffer.from(hkdfSync('sha256', source.key, Buffer.alloc(0), `tributary:${purpose}`, 32)) };
  }

  /** Whether the ring still holds key `id` (rotation and the start-up check ask). */
  hasKey(id: string): boolean {
    return this.keyring.find(id) !== undefined;
  }

  static keyIdOf(envelope: string): string | undefined {
    return envelope.split('.')[1];
  }
}
