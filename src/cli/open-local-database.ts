import path from 'node:path';
import { openDatabase, type Database } from '../db/open-database.js';
import type { RuntimeConfig } from './config.js';

/**
 * The database this installation is configured for (DATABASE_URL, or the embedded folder), opened directly by a
 * CLI command that works without a running server: `migrate`, `keys owner`.
 */
export function openLocalDatabase(config: RuntimeConfig, options: { migrate: boolean }): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, 'pgdata'),
    migrate: options.migrate,
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
  });
}
