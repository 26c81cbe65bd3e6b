import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile } from './key-file.js';
import { KeyStore } from './key-store.js';
import { Keyring } from './keyring.js';
import { Vault } from './vault.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('Keyring rotation', () => {
  it('adds a key as the active one; older keys keep decrypting; the active key cannot be removed', () => {
    const k1 = Keyring.generateKey('k1');
    const ring = new Keyring([k1]);
    const vault = new Vault(ring);
    const old = vault.encrypt('secret', 'c');
    ring.add(Keyring.generateKey('k2'));
    expect(vault.activeKeyId).toBe('k2');
    expect(vault.decrypt(old, 'c')).toBe('secret');
    expect(() => ring.remove('k2')).toThrow(/active key/);
    expect(() => ring.add(Keyring.generateKey('k1'))).toThrow(/appears twice/);
    ring.remove('k1');
    expect(ring.keys.map((k) => k.id)).toEqual(['k2']);
    expect(() => vault.decrypt(old, 'c')).toThrow(/key "k1"/);
    expect(() => ring.remove('k9')).toThrow(/No encryption key "k9"/);
  });

  it('generates distinct, valid key ids', () => {
    const ids = new Set(Array.from({ length: 50 }, () => Keyring.newKeyId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^k[a-z0-9]+$/);
  });

  it('refuses ids that would break the envelope or the ring text', () => {
    const key = Keyring.generateKey('ok').key;
    for (const id of ['a.b', 'a:b', 'a,b', '', 'x'.repeat(65)]) expect(() => new Keyring([{ id, key }])).toThrow(/key id/);
  });
});

describe('KeyStore', () => {
  it('writes each new key first in the 0600 key file before activating it, one operation at a time', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tributary-keystore-'));
    dirs.push(dir);
    const { keyring, file } = await loadOrCreateKeyFile(dir);
    const store = new KeyStore(keyring, file);
    const first = keyring.active.id;
    const [a, b] = await Promise.all([store.exclusive(() => store.addActiveKey()), store.exclusive(() => store.addActiveKey())]);
    const onDisk = Keyring.parse(await readFile(file, 'utf8')).keys.map((k) => k.id);
    expect(onDisk).toEqual([b!.id, a!.id, first]);
    expect(keyring.keys.map((k) => k.id)).toEqual(onDisk);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.removeKey(first);
    expect(Keyring.parse(await readFile(file, 'utf8')).keys.map((k) => k.id)).toEqual([b!.id, a!.id]);
    // Replaced by rename: no temporary file is left behind holding keys.
    expect(await readdir(dir)).toEqual(['encryption-keys']);
    const reloaded = await loadOrCreateKeyFile(dir);
    expect(reloaded.keyring.format()).toBe(keyring.format());
  });

  it('changes nothing in place when the ring comes from the environment', async () => {
    const store = new KeyStore(new Keyring([Keyring.generateKey('k1')]), undefined);
    expect(store.source).toBe('env');
    await expect(store.addActiveKey()).rejects.toThrow(/TRIBUTARY_ENCRYPTION_KEYS/);
    expect(store.keyring.keys.map((k) => k.id)).toEqual(['k1']);
  });
});
