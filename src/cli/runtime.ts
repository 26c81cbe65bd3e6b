import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isNotNull } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { bootstrapOwner, type NewWorkspace } from '../api/bootstrap-owner.js';
import { buildApp } from '../api/build-app.js';
import { createLogger } from '../api/create-logger.js';
import { allConnectors } from '../connectors/index.js';
import { AppError } from '../contracts/errors.js';
import { Catalog } from '../core/catalog.js';
import { loadOrCreateKeyFile } from '../core/key-file.js';
import { Keyring } from '../core/keyring.js';
import { Vault } from '../core/vault.js';
import { openDatabase, type Database } from '../db/open-database.js';
import { connections } from '../db/schema.js';
import { defaultEngineOptions, type EngineDeps, type EngineOptions } from '../engine/engine-deps.js';
import { startJobQueue } from '../jobs/job-queue.js';
import { startScheduler } from '../jobs/scheduler.js';
import { startSyncWorker } from '../jobs/sync-worker.js';
import type { RuntimeConfig } from './config.js';

export interface Runtime {
  config: RuntimeConfig;
  database: Database;
  catalog: Catalog;
  vault: Vault;
  boss: PgBoss;
  logger: Logger;
  app: FastifyInstance | undefined;
  /** Set when this start created the first workspace. */
  bootstrap: (NewWorkspace & { generated: boolean }) | null;
  url: string | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  api: boolean;
  worker: boolean;
  /** Listen on the configured port (tests use inject() and skip it). */
  listen?: boolean;
  logger?: Logger;
  schema?: string;
  /** PGlite folder override; `memory://` for a throwaway database (tests). */
  pgliteDataDir?: string;
  engine?: Partial<EngineOptions>;
}

async function loadKeyring(config: RuntimeConfig): Promise<Keyring> {
  if (config.encryptionKeys) return Keyring.parse(config.encryptionKeys);
  if (config.databaseUrl) {
    throw new AppError(
      'encryption_key_missing',
      'TRIBUTARY_ENCRYPTION_KEYS is required with DATABASE_URL (every process must share the key ring). Generate one with `tributary keys generate`.',
    );
  }
  return (await loadOrCreateKeyFile(config.dataDir)).keyring;
}

/** A wrong key ring is an error at start, not a failed sync hours later. */
async function checkKeysCoverCredentials(database: Database, keyring: Keyring): Promise<void> {
  const rows = await database.db.selectDistinct({ keyId: connections.credentialsKeyId }).from(connections).where(isNotNull(connections.credentials));
  const missing = rows.map((r) => r.keyId).filter((id): id is string => id !== null && !keyring.find(id));
  if (missing.length > 0) {
    throw new AppError('encryption_key_missing', `Stored credentials use key(s) ${missing.join(', ')}, missing from the key ring. Set TRIBUTARY_ENCRYPTION_KEYS to include them.`);
  }
}

/** Wires every part once: the only place that builds singletons. */
export async function startRuntime(config: RuntimeConfig, options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: options.pgliteDataDir ?? path.join(config.dataDir, 'pgdata'),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  try {
    const keyring = await loadKeyring(config);
    await checkKeysCoverCredentials(database, keyring);
    const vault = new Vault(keyring);
    const catalog = new Catalog(allConnectors);
    const boss = await startJobQueue(database, logger);
    const engine: EngineDeps = {
      db: database.db,
      catalog,
      vault,
      logger,
      options: { ...defaultEngineOptions, allowPrivateHosts: config.allowPrivateHosts, ...options.engine },
    };
    if (options.worker) await startSyncWorker(boss, engine, { concurrency: config.workerConcurrency });
    if (options.api || options.worker) {
      await startScheduler(boss, database.db, (id) => catalog.get(id).manifest.streams.map((s) => s.name), logger);
    }
    let app: FastifyInstance | undefined;
    let bootstrap: Runtime['bootstrap'] = null;
    let url: string | undefined;
    if (options.api) {
      bootstrap = await bootstrapOwner(database.db, config.adminKey);
      app = await buildApp({ db: database.db, catalog, vault, boss, logger, config: { publicUrl: config.publicUrl, allowPrivateHosts: config.allowPrivateHosts, cronSecret: config.cronSecret } });
      if (options.listen !== false) url = await app.listen({ port: config.port, host: config.host });
    }
    return {
      config,
      database,
      catalog,
      vault,
      boss,
      logger,
      app,
      bootstrap,
      url,
      async close() {
        await app?.close();
        await boss.stop({ graceful: true, timeout: 10_000 });
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
