import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

  static keyIdOf(envelope: string): string | undefined {
    return envelope.split('.')[1];
  }
}
