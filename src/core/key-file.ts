import { chmod, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Keyring } from './keyring.js';

/**
 * Embedded mode with no TRIBUTARY_ENCRYPTION_KEYS: the key ring lives in a 0600 file in the data folder,
 * created on first start. Losing the file means losing the stored credentials, as with any vault key.
 */
export async function loadOrCreateKeyFile(dataDir: string): Promise<{ keyring: Keyring; created: boolean; file: string }> {
  const file = path.join(dataDir, 'encryption-keys');
  try {
    const spec = (await readFile(file, 'utf8')).trim();
    return { keyring: Keyring.parse(spec), created: false, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const keyring = new Keyring([Keyring.generateKey(`k${Date.now().toString(36)}`)]);
  await writeFile(file, `${keyring.format()}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { keyring, created: true, file };
}
