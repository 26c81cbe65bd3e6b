import { describe, expect, it } from 'vitest';
import { Keyring } from './keyring.js';
import { Vault } from './vault.js';

describe('Vault', () => {
  const k1 = Keyring.generateKey('k1');
  const k2 = Keyring.generateKey('k2');

  it('round-trips a value and stores the key id with the ciphertext', () => {
    const vault = new Vault(new Keyring([k1]));
    const envelope = vault.encrypt({ fields: { token: 'ghp_secret' } }, 'conn_1');
    expect(envelope).not.toContain('ghp_secret');
    expect(Vault.keyIdOf(envelope)).toBe('k1');
    expect(vault.decrypt(envelope, 'conn_1')).toEqual({ fields: { token: 'ghp_secret' } });
  });

  it('uses fresh IVs: the same value encrypts differently each time', () => {
    const vault = new Vault(new Keyring([k1]));
    expect(vault.encrypt('x', 'c')).not.toBe(vault.encrypt('x', 'c'));
  });

  it('refuses a ciphertext moved to another connection (bound as associated data)', () => {
    const vault = new Vault(new Keyring([k1]));
    const envelope = vault.encrypt('secret', 'conn_1');
    expect(() => vault.decrypt(envelope, 'conn_2')).toThrow(/do not decrypt/);
  });

  it('detects tampering', () => {
    const vault = new Vault(new Keyring([k1]));
    const parts = vault.encrypt('secret', 'c').split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => vault.decrypt(parts.join('.'), 'c')).toThrow(/do not decrypt/);
  });

  it('decrypts with an older key after rotation and encrypts with the new active key', () => {
    const old = new Vault(new Keyring([k1]));
    const envelope = old.encrypt('v', 'c');
    const rotated = new Vault(new Keyring([k2, k1]));
    expect(rotated.decrypt(envelope, 'c')).toBe('v');
    expect(Vault.keyIdOf(rotated.encrypt('v', 'c'))).toBe('k2');
  });

  it('names a missing key clearly', () => {
    const envelope = new Vault(new Keyring([k1])).encrypt('v', 'c');
    expect(() => new Vault(new Keyring([k2])).decrypt(envelope, 'c')).toThrow(/key "k1", which is not in TRIBUTARY_ENCRYPTION_KEYS/);
  });

  it('parses and formats a key ring; rejects malformed specs', () => {
    const ring = new Keyring([k1, k2]);
    expect(Keyring.parse(ring.format()).keys.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(() => Keyring.parse('nokey')).toThrow(/kid:base64key/);
    expect(() => Keyring.parse('k1:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
