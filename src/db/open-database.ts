import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import * as schema from './tables.js';

export type DatabaseDriver =
  | { kind: 'pglite'; client: PGlite }
  | { kind: 'postgres'; pool: pg.Pool; connectionString: string };

export interface Database {
  db: Db;
  /** Schema of Tributary's own tables. */
  schema: string;
  driver: DatabaseDriver;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; when absent, the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  schema?: string;
  /** Apply pending migrations (the default; `tributary worker` relies on `serve` or `migrate` having done it too). */
  migrate?: boolean;
  poolSize?: number;
  /**
   * PostgreSQL: an idle pooled connection broke (the server restarted, a network blip). The pool drops it and the
   * next checkout reconnects; the runtime logs and counts it. Without a handler (one-shot CLI commands) it becomes
   * a process warning on stderr.
   */
  onPoolError?: (error: Error) => void;
}

/** Opens either database behind the same Drizzle API, with search_path set to Tributary's schema. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const schemaName = options.schema ?? 'tributary';
  let database: Database;
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      options: `-c search_path=${schemaName}`,
    });
    // An idle client losing its server must not crash the process (an 'error' with no listener does); the next
    // checkout reconnects. Heard, so it is reported, not swallowed.
    const onPoolError = options.onPoolError ?? ((error: Error) => process.emitWarning(`database pool: an idle connection failed: ${error.message}`));
    pool.on('error', (error) => onPoolError(error));
    // pg-pool listens for errors only on idle clients. A client checked out for a transaction whose backend is
    // terminated emits 'error' with nothing listening, which ends the process. Its statements fail on their own
    // (the engine retries them, see retry-transient.ts), and the pool discards the client when it comes back
    // unqueryable, so the event itself needs no handling beyond being heard: the failure is reported by the statement
    // that was running (an idle client's error also reaches the pool's listener above, so counting here would count
    // it twice).
    pool.on('connect', (client) => client.on('error', () => {}));
    database = {
      db: drizzlePg(pool, { schema }) as unknown as Db,
      schema: schemaName,
      driver: { kind: 'postgres', pool, connectionString: options.url },
      close: () => pool.end(),
    };
  } else {
    const inMemory = !options.dataDir || options.dataDir.startsWith('memory://');
    if (!inMemory) await mkdir(path.dirname(path.resolve(options.dataDir!)), { recursive: true });
    const client = inMemory ? new PGlite() : new PGlite(options.dataDir!);
    await client.waitReady;
    await client.exec(`set search_path to "${schemaName.replaceAll('"', '""')}"`);
    database = {
      db: drizzlePglite(client, { schema }) as unknown as Db,
      schema: schemaName,
      driver: { kind: 'pglite', client },
      close: () => client.close(),
    };
  }
  if (options.migrate !== false) await migrate(database.db, schemaName);
  return database;
}
