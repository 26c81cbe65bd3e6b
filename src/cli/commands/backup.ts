import { writeBackup } from '../../db/embedded-backup.js';
import { readConfig } from '../config.js';
import { openLockedDatabase, requireEmbedded } from '../data-folder.js';

/**
 * `tributary backup [--out FILE]`: the embedded folder (database and key file) into one file, by default
 * `<data dir>/backups/tributary-backup-<time>.tar.gz`. It takes the folder's lock, so it runs while no server
 * does; a running `serve` makes its own (TRIBUTARY_BACKUP_INTERVAL).
 */
export async function backupCommand(flags: { out?: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = readConfig();
  requireEmbedded(config, 'backup');
  const opened = await openLockedDatabase(config, 'backup');
  try {
    if (opened.database.driver.kind !== 'pglite') throw new Error('unreachable: the embedded folder is PGlite');
    const { file, bytes } = await writeBackup(opened.database.driver.client, {
      dataDir: config.dataDir,
      // With TRIBUTARY_ENCRYPTION_KEYS the ring is not in the folder: a leftover key file there is not it.
      keyFile: config.encryptionKeys ? null : undefined,
      ...(flags.out ? { out: flags.out } : {}),
    });
    out.write(`Backup written: ${file} (${(bytes / 1_048_576).toFixed(1)} MB)\n`);
    out.write(
      config.encryptionKeys
        ? 'The key ring comes from TRIBUTARY_ENCRYPTION_KEYS and is not in the backup: keep that value with it, or the credentials cannot be read.\n'
        : 'It holds the encryption key file too: anyone with this file can read the stored credentials. Keep it as safe as the data folder.\n',
    );
    return 0;
  } finally {
    await opened.close();
  }
}
