import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Keyring, type EncryptionKey } from './keyring.js';

/** Where the embedded key ring lives: beside the database, so backups carry it (see embedded-backup). */
export const keyFilePath = (dataDir: string): string => path.join(dataDir, 'encryption-keys');

/**
 * Embedded mode with no TRIBUTARY_ENCRYPTION_KEYS: the key ring lives in a 0600 file in the data folder,
 * created on first start. Losing the file means losing the stored credentials, as with any vault key.
 */
export async function loadOrCreateKeyFile(dataDir: string): Promise<{ keyring: Keyring; created: boolean; file: string }> {
  const file = keyFilePath(dataDir);
  try {
    const spec = (await readFile(file, 'utf8')).trim();
    return { keyring: Keyring.parse(spec, `The key file ${file}`), created: false, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const keyring = new Keyring([Keyring.generateKey()]);
  await writeFile(file, `${keyring.format()}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { keyring, created: true, file };
}

/**
 * Replaces the key file's content (rotation adds a key first, retirement drops one). Written to a 0600 temporary
 * file then renamed over the old one: a crash leaves either the old ring or the new one, never a torn file,
 * and the keys are never readable by others, not even for a moment.
 */
export async function writeKeyFile(file: string, keys: readonly EncryptionKey[]): Promise<void> {
  // A fresh name and `wx`: the file is created by this call, so its 0600 mode is never an older file's.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${Keyring.format(keys)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
