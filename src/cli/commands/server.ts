import type { Command } from 'commander';
import { readConfig } from '../config.js';

/**
 * Adds `serve`, `worker` and `migrate`: the commands that run Tributary itself rather than talk to it. Their
 * modules load when they run, so the CLI's API commands start without the server's weight.
 */
export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('API, admin UI, scheduler and in-process workers (embedded database unless DATABASE_URL is set)')
    .action(async () => {
      const [{ startRuntime }, { stopOnSignal }, { printStartBanner }] = await Promise.all([import('../runtime.js'), import('../stop-on-signal.js'), import('../start-banner.js')]);
      const runtime = await startRuntime(readConfig(), { api: true, worker: true });
      stopOnSignal(runtime);
      printStartBanner(runtime);
    });

  program
    .command('worker')
    .description('Run sync workers only, against DATABASE_URL; start as many as you need')
    .action(async () => {
      const config = readConfig();
      if (!config.databaseUrl) throw new Error('`tributary worker` needs DATABASE_URL: the embedded database serves one process, so scale-out means PostgreSQL.');
      const [{ startRuntime }, { stopOnSignal }] = await Promise.all([import('../runtime.js'), import('../stop-on-signal.js')]);
      const runtime = await startRuntime(config, { api: false, worker: true });
      stopOnSignal(runtime);
      runtime.logger.info(`Tributary worker started (concurrency ${config.workerConcurrency})${runtime.url ? `; health and metrics on ${runtime.url}` : ''}`);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const [{ openCommandDatabase }, { migrate }] = await Promise.all([import('../data-folder.js'), import('../../db/migrate.js')]);
      const { database, close } = await openCommandDatabase(readConfig(), 'migrate');
      const { applied } = await migrate(database.db, database.schema).finally(close);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    });
}
