import path from 'node:path';
import type { Logger } from 'pino';
import { AppError } from '../contracts/errors.js';
import { acquireDataFolderLock, describeHolder, type DataFolderLock } from '../core/data-folder-lock.js';
import { openDatabase, type Database } from '../db/open-database.js';
import type { RuntimeConfig } from './config.js';

/**
 * The embedded data folder as the CLI commands use it: locked before PGlite opens it (see data-folder-lock),
 * released on close, on a signal, on any exit.
 */
export const pgdataDir = (dataDir: string): string => path.join(dataDir, 'pgdata');

/** `backup`, `restore` and `doctor` are about the embedded folder; PostgreSQL has its own tools. */
export function requireEmbedded(config: RuntimeConfig, command: string): void {
  if (!config.databaseUrl) return;
  throw new AppError(
    'embedded_only',
    `\`tributary ${command}\` is for the embedded data folder, and DATABASE_URL is set: use PostgreSQL's own tools instead, e.g. \`pg_dump --format=custom "$DATABASE_URL" > tributary.dump\` and \`pg_restore --dbname="$DATABASE_URL" tributary.dump\`, and keep TRIBUTARY_ENCRYPTION_KEYS with the dump (the credentials cannot be read without it).`,
  );
}

/**
 * Takes the folder's lock for `command`, saying so when a stale lock (a dead process of this host) is taken over.
 * Unless told otherwise (`serve` has its own shutdown), Ctrl-C and SIGTERM exit through the lock's exit hook until
 * it is released.
 */
export async function lockDataFolder(dir: string, command: string, logger?: Pick<Logger, 'warn'>, options: { exitOnSignal?: boolean } = {}): Promise<DataFolderLock> {
  const lock = await acquireDataFolderLock(dir, command, {
    onTakeover: (previous, reason) => {
      const message = `Took over the stale lock of ${dir} from ${describeHolder(previous)}: ${reason}. The folder was not closed cleanly; \`tributary doctor\` checks it.`;
      if (logger) logger.warn({ dataDir: dir, previous: { pid: previous.pid, hostname: previous.hostname, since: previous.since, command: previous.command } }, message);
      else process.stderr.write(`${message}\n`);
    },
  });
  if (options.exitOnSignal === false) return lock;
  const undo = exitOnSignalUntilReady();
  return {
    ...lock,
    async release() {
      undo();
      await lock.release();
    },
  };
}

/**
 * Until a command installs its own signal handling, Ctrl-C or SIGTERM exits through `process.exit`, so the lock's
 * exit hook removes the lock file (a signal's default action would leave it behind). Returns the undo.
 */
export function exitOnSignalUntilReady(): () => void {
  const onSignal = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
}

export interface LockedDatabase {
  database: Database;
  lock: DataFolderLock;
  /** Closes the database, then releases the lock. */
  close(): Promise<void>;
}

/** Opens the configured database for a one-shot command: PostgreSQL as is, the embedded folder under its lock. */
export async function openCommandDatabase(config: RuntimeConfig, command: string, options: { migrate?: boolean } = {}): Promise<Pick<LockedDatabase, 'database' | 'close'>> {
  if (!config.databaseUrl) return openLockedDatabase(config, command, options);
  const database = await openDatabase({ url: config.databaseUrl, migrate: options.migrate ?? false, ...(config.dbSchema ? { schema: config.dbSchema } : {}) });
  return { database, close: () => database.close() };
}

/** Locks the embedded folder and opens its database (without migrating unless asked); for one-shot commands. */
export async function openLockedDatabase(config: RuntimeConfig, command: string, options: { migrate?: boolean } = {}): Promise<LockedDatabase> {
  const lock = await lockDataFolder(config.dataDir, command);
  try {
    const database = await openDatabase({ dataDir: pgdataDir(config.dataDir), migrate: options.migrate ?? false, ...(config.dbSchema ? { schema: config.dbSchema } : {}) });
    return {
      database,
      lock,
      async close() {
        try {
          await database.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
