import type { Command } from 'commander';

/**
 * `backup`, `restore` and `doctor` for the embedded data folder. Declared here, loaded when they run: their modules
 * bring PGlite and the database layer, which the API commands need not compile.
 */
export function registerDataFolderCommands(program: Command): void {
  program
    .command('backup')
    .description('Back up the embedded data folder (database and key file) into one file; with DATABASE_URL use pg_dump')
    .option('--out <file>', 'where to write it (default <data dir>/backups/tributary-backup-<time>.tar.gz)')
    .action(async (flags: { out?: string }) => {
      const { backupCommand } = await import('./backup.js');
      process.exitCode = await backupCommand(flags);
    });
  program
    .command('restore [file]')
    .description('Put a backup back into the embedded data folder (refused while a server runs on it); the replaced folder is kept aside')
    .option('--latest', 'the newest backup in <data dir>/backups', false)
    .action(async (file: string | undefined, flags: { latest: boolean }) => {
      const { restoreCommand } = await import('./restore.js');
      process.exitCode = await restoreCommand(file, flags);
    });
  program
    .command('doctor')
    .description('Check the embedded data folder (lock, database, tables, migrations, key ring, backups); --restore puts the newest good backup back')
    .option('--restore', 'restore the newest good backup, keeping the damaged folder aside', false)
    .action(async (flags: { restore: boolean }) => {
      const { doctorCommand } = await import('./doctor.js');
      process.exitCode = await doctorCommand(flags);
    });
}
