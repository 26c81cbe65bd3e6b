import { AppError } from '../../contracts/errors.js';
import { listBackups, restoreBackup, type RestoreResult } from '../../db/embedded-backup.js';
import type { RuntimeConfig } from '../config.js';
import { readConfig } from '../config.js';
import { lockDataFolder, requireEmbedded } from '../data-folder.js';

/**
 * `tributary restore FILE` / `--latest`: a backup back into the embedded folder. Refused while anything holds the
 * folder's lock (a running server); what it replaces is renamed aside, never deleted.
 */
export async function restoreLatest(config: RuntimeConfig, out: NodeJS.WritableStream): Promise<RestoreResult> {
  const backups = await listBackups(config.dataDir);
  if (backups.length === 0) throw new AppError('not_found', `No backup in ${config.dataDir}/backups to restore (\`tributary backup\` makes one; a running server makes them every TRIBUTARY_BACKUP_INTERVAL).`);
  // The newest that is readable and opens: a torn or damaged backup is skipped for the one before it.
  for (const backup of backups) {
    try {
      const result = await restoreBackup(backup.file, config.dataDir);
      report(backup.file, result, out);
      return result;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'backup_invalid')) throw error;
      out.write(`Skipped ${backup.file}: ${error.message}\n`);
    }
  }
  throw new AppError('backup_invalid', `None of the ${backups.length} backup(s) in ${config.dataDir}/backups could be restored.`);
}

function report(file: string, result: RestoreResult, out: NodeJS.WritableStream): void {
  out.write(`Restored ${file} (made ${result.info.created_at}).\n`);
  if (result.asidePgdata) out.write(`The database it replaced is kept at ${result.asidePgdata} (delete it once you are sure).\n`);
  if (result.asideKeyFile) out.write(`The key file it replaced is kept at ${result.asideKeyFile}.\n`);
  if (result.info.keys === 'environment') out.write('This backup holds no key file: its credentials need the TRIBUTARY_ENCRYPTION_KEYS in use when it was made.\n');
}

export async function restoreCommand(file: string | undefined, flags: { latest?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = readConfig();
  requireEmbedded(config, 'restore');
  if (!file && !flags.latest) throw new AppError('bad_request', 'Name a backup file, or --latest for the newest in <data dir>/backups.');
  const lock = await lockDataFolder(config.dataDir, 'restore');
  try {
    if (file) report(file, await restoreBackup(file, config.dataDir), out);
    else await restoreLatest(config, out);
    return 0;
  } finally {
    await lock.release();
  }
}
