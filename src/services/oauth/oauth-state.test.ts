import { describe, expect, it } from 'vitest';
import { Keyring } from '../../core/keyring.js';
import { signState, verifyState } from './oauth-state.js';
import { Vault } from '../../core/vault.js';

describe('signed OAuth state', () => {
  const k1 = Keyring.generateKey('k1');
  const k2 = Keyring.generateKey('k2');
  const vault = new Vault(new Keyring([k1]));
  const claims = { id: 'nonce123', workspaceId: 'ws_1', connectionId: 'conn_1', expiresAt: Date.now() + 60_000 };

  it('round-trips its claims and refuses any change', () => {
    const state = signState(vault, claims);
    expect(verifyState(vault, state)).toEqual({ ok: true, claims });
    const [payload, sig] = state.split('.') as [string, string];
    const other = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('conn_1', 'conn_2')).toString('base64url');
    expect(verifyState(vault, `${other}.${sig}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyState(vault, `${payload}.${sig.slice(1)}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyState(vault, 'garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyState(vault, signState(vault, { ...claims, expiresAt: Date.now() - 1 }))).toEqual({ ok: false, reason: 'expired' });
  });

  it('verifies after a key rotation, and not with a foreign key ring', () => {
    const state = signState(vault, claims);
    expect(verifyState(new Vault(new Keyring([k2, k1])), state).ok).toBe(true);
    expect(verifyState(new Vault(new Keyring([k2])), state)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('uses a key derived for its purpose, not the vault key itself', () => {
    expect(vault.derivedKey('oauth-state')!.key.equals(k1.key)).toBe(false);
    expect(vault.derivedKey('oauth-state')!.key.equals(vault.derivedKey('other')!.key)).toBe(false);
  });
});
