import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { bootstrapOwner, type NewWorkspace } from '../services/keys/bootstrap-owner.js';
import { buildApp } from '../api/build-app.js';
import { isLiveApiKey } from '../services/keys/owner-key.js';
import { buildOpsApp } from '../api/build-ops-app.js';
import { createLogger } from '../api/create-logger.js';
import { allConnectors } from '../connectors/index.js';
import type { ConnectorDefinition } from '../contracts/connector-kit.js';
import { AppError } from '../contracts/errors.js';
import { Catalog } from '../core/catalog.js';
import { loadOrCreateKeyFile } from '../core/key-file.js';
import { Keyring } from '../core/keyring.js';
import { KeyStore } from '../core/key-store.js';
import { Vault } from '../core/vault.js';
import { openDatabase, type Database } from '../db/open-database.js';
import { defaultEngineOptions, type EngineDeps, type EngineOptions } from '../engine/engine-deps.js';
import { checkKeyRing } from '../services/keys/check-key-ring.js';
import { createHostAllowlist, parseAllowedHosts } from '../http-client/index.js';
import { SYNC_QUEUE, pgBossRunQueue, startJobQueue } from '../jobs/job-queue.js';
import type { ServiceDeps } from '../services/service-deps.js';
import { pendingMigrations } from '../db/migrate.js';
import { WorkerShutdown } from '../engine/worker-shutdown.js';
import { ProviderTraffic } from '../services/credentials/provider-traffic.js';
import type { Metrics } from '../contracts/metrics.js';
import type { Readiness } from '../api/app-deps.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import { startScheduler } from '../jobs/scheduler.js';
import { startSyncWorker } from '../jobs/sync-worker.js';
import { startAutoBackup } from './auto-backup.js';
import type { RuntimeConfig } from './config.js';
import { exitOnSignalUntilReady, lockDataFolder } from './data-folder.js';
import { logDestination } from './log-destination.js';
import { registerMcpRoutes } from '../mcp/server/mcp-routes.js';

export interface Runtime {
  config: RuntimeConfig;
  database: Database;
  catalog: Catalog;
  vault: Vault;
  /** The key ring and where it lives (key file or environment), for rotation. */
  keys: KeyStore;
  boss: PgBoss;
  /** What the domain operations (src/services) are called with: the same object behind the API, the CLI and jobs. */
  services: ServiceDeps;
  logger: Logger;
  /** The API (serve), or a worker's /health and /metrics when TRIBUTARY_WORKER_PORT is set. */
  app: FastifyInstance | undefined;
  /** Set when this start created the first workspace. */
  bootstrap: (NewWorkspace & { generated: boolean }) | null;
  /** TRIBUTARY_ADMIN_KEY is set, the database already had a workspace, and the key is none of its keys. */
  adminKeyIgnored: boolean;
  url: string | undefined;
  metrics: Metrics;
  readiness: Readiness;
  /**
   * A graceful stop: readiness turns 503 at once; the job queue stops fetching; running runs stop at their next
   * page boundary, commit and go back to the queue; the API drains its requests. Bounded by the grace period.
   */
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
  /** Connectors besides the shipped ones (tests bring their own providers). */
  connectors?: ConnectorDefinition[];
  /** Named in the embedded data folder's lock (default `serve`, or `worker` without the API). */
  command?: string;
  /** Node's process metrics in /metrics (default on). */
  processMetrics?: boolean;
}

async function loadKeyring(config: RuntimeConfig): Promise<KeyStore> {
  if (config.encryptionKeys) return new KeyStore(Keyring.parse(config.encryptionKeys), undefined);
  if (config.databaseUrl) {
    throw new AppError(
      'encryption_key_missing',
      'TRIBUTARY_ENCRYPTION_KEYS is required with DATABASE_URL (every process must share the key ring). Generate one with `tributary keys generate`.',
    );
  }
  const { keyring, file } = await loadOrCreateKeyFile(config.dataDir);
  return new KeyStore(keyring, file);
}

function checkAllowPrivateHosts(entries: string[]): void {
  try {
    createHostAllowlist(entries);
  } catch (error) {
    throw new Error(`TRIBUTARY_ALLOW_PRIVATE_HOSTS: ${(error as Error).message}`);
  }
}

/** A malformed TRIBUTARY_ALLOWED_HOSTS entry, or one scoped to a connector this build does not have, is a typo: say so at start. */
function checkAllowedHosts(entries: string[], connectorIds: string[]): void {
  for (const entry of parseAllowedHosts(entries)) {
    if (entry.connector !== null && !connectorIds.includes(entry.connector)) {
      throw new Error(`TRIBUTARY_ALLOWED_HOSTS: "${entry.connector}=${entry.pattern}" names no connector of this build.`);
    }
  }
}

/** A wrong key ring is an error at start, not a failed sync hours later: every vault column is checked. */
async function checkKeysCoverCredentials(database: Database, keyring: Keyring): Promise<void> {
  await checkKeyRing({ db: database.db, vault: new Vault(keyring) });
}

/**
 * The order of a graceful stop, within `shutdownGraceSeconds` (the CLI exits at its end whatever is left):
 * readiness 503 first; then at once the queue stops fetching and running runs are asked to stop at a page
 * boundary (they commit, go back to PENDING with a fresh job, and their jobs complete); after the optional delay
 * for load balancers, the API stops accepting and drains. A run still in a slow page 5 s before the end is cut
 * off mid-page (what it committed stays, and it is handed back the same way); a handler pg-boss still holds at
 * its timeout has its job failed, so the job is retried elsewhere. The pool and the database close last.
 */
async function stopGracefully(parts: {
  config: RuntimeConfig;
  app: FastifyInstance | undefined;
  boss: PgBoss;
  database: Database;
  shutdown: WorkerShutdown;
  providerTraffic: ProviderTraffic;
  logger: Logger;
  beginShutdown: () => void;
}): Promise<void> {
  const { config, app, boss, database, shutdown } = parts;
  parts.beginShutdown();
  shutdown.request();
  const graceMs = config.shutdownGraceSeconds * 1000;
  const hardStop = setTimeout(() => shutdown.abort(), Math.max(graceMs - 5000, graceMs / 2));
  hardStop.unref();
  try {
    const workers = boss.stop({ graceful: true, close: false, timeout: Math.max(1000, graceMs - 2000) });
    const api = (async () => {
      if (!app) return;
      if (config.shutdownDelaySeconds > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelaySeconds * 1000));
      await app.close();
    })();
    const results = await Promise.allSettled([workers, api]);
    for (const result of results) if (result.status === 'rejected') parts.logger.error({ err: result.reason }, 'graceful stop step failed');
  } finally {
    clearTimeout(hardStop);
  }
  // The API has drained: nothing uses the queue's pool or the database any more.
  // The last step of a stop: a failure to close the queue's pool leaves nothing behind to retry, but is said.
  await boss.stop({ close: true }).catch((error: unknown) => parts.logger.warn({ err: error }, 'the job queue did not close cleanly'));
  await database.close();
  // Nothing sends to providers any more: their keep-alive connections (one pool per SSRF guard) close too.
  await parts.providerTraffic.close();
}

/** Wires every part once: the only place that builds singletons. */
export async function startRuntime(config: RuntimeConfig, options: RuntimeOptions): Promise<Runtime> {
  const destination = options.logger ? undefined : logDestination(config.logFormat);
  const logger = options.logger ?? createLogger({ level: config.logLevel, ...(destination ? { destination } : {}) });
  const schema = options.schema ?? config.dbSchema;
  const pgliteDataDir = options.pgliteDataDir ?? path.join(config.dataDir, 'pgdata');
  const embeddedFolder = !config.databaseUrl && !pgliteDataDir.startsWith('memory://') ? path.dirname(path.resolve(pgliteDataDir)) : undefined;
  // One process per embedded folder: the lock comes before the key file or PGlite are touched.
  const lock = embeddedFolder ? await lockDataFolder(embeddedFolder, options.command ?? (options.api ? 'serve' : 'worker'), logger, { exitOnSignal: false }) : undefined;
  const undoSignals = lock ? exitOnSignalUntilReady() : () => undefined;
  let opened: Database | undefined;
  try {
    // A malformed key ring or allowlist fails before anything else starts (not at the first probe).
    const keys = await loadKeyring(config);
    const keyring = keys.keyring;
    checkAllowPrivateHosts(config.allowPrivateHosts);
    checkAllowedHosts(config.allowedHosts, [...allConnectors, ...(options.connectors ?? [])].map((c) => String(c.manifest.id)));
    // Before the database and the queue, so their background errors are counted from the start. The queue depth is
    // read at scrape time only, once the queue (below) exists.
    const metrics = createPrometheusMetrics({
      processMetrics: options.processMetrics ?? true,
      queueDepth: async () => {
        const queue = await boss.getQueue(SYNC_QUEUE);
        if (!queue) return null;
        return { ready: Math.max(0, queue.queuedCount - queue.deferredCount), deferred: queue.deferredCount, active: queue.activeCount };
      },
    });
    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: pgliteDataDir,
      ...(schema ? { schema } : {}),
      onPoolError: (error) => {
        logger.error({ err: error }, 'database pool: an idle connection failed; the next checkout reconnects');
        metrics.backgroundError('db_pool');
      },
    }).catch((error: unknown) => {
      if (!embeddedFolder) throw error;
      // PGlite on a damaged folder says only `Aborted()`: say what to do.
      throw new Error(
        `The embedded database in ${pgliteDataDir} does not open (${error instanceof Error ? error.message : String(error)}). \`tributary doctor\` checks the folder; \`tributary doctor --restore\` puts the newest backup back, keeping this folder aside.`,
        { cause: error },
      );
    });
    opened = database;
    await checkKeysCoverCredentials(database, keyring);
    const vault = new Vault(keyring);
    const catalog = new Catalog([...allConnectors, ...(options.connectors ?? [])]);
    const boss = await startJobQueue(database, logger, { metrics });
    let jobQueueRunning = true;
    let shuttingDown = false;
    boss.on('stopped', () => {
      jobQueueRunning = false;
    });
    const readiness: Readiness = {
      get shuttingDown() {
        return shuttingDown;
      },
      get jobQueueRunning() {
        return jobQueueRunning;
      },
      pendingMigrations: () => pendingMigrations(database.db, database.schema),
    };
    const shutdown = new WorkerShutdown();
    // Rate limiters and SSRF guards shared by the engine's runs and the services' probes and OAuth calls.
    const providerTraffic = new ProviderTraffic();
    const engine: EngineDeps = {
      db: database.db,
      catalog,
      vault,
      logger,
      providerTraffic,
      options: { ...defaultEngineOptions, allowPrivateHosts: config.allowPrivateHosts, allowedHosts: config.allowedHosts, oauthApps: config.oauthApps, ...options.engine },
      metrics,
      shutdown,
    };
    const services: ServiceDeps = {
      db: database.db,
      catalog,
      vault,
      keys,
      runQueue: pgBossRunQueue(boss),
      providerTraffic,
      logger,
      config: { publicUrl: config.publicUrl, allowPrivateHosts: config.allowPrivateHosts, allowedHosts: config.allowedHosts, oauthApps: config.oauthApps, oauthReturnUrls: config.oauthReturnUrls },
      metrics,
    };
    if (options.worker) await startSyncWorker(boss, engine, { concurrency: config.workerConcurrency });
    if (options.api || options.worker) {
      await startScheduler(boss, database.db, (id) => catalog.get(id).manifest.streams.map((s) => s.name), logger);
    }
    let app: FastifyInstance | undefined;
    let bootstrap: Runtime['bootstrap'] = null;
    let adminKeyIgnored = false;
    let url: string | undefined;
    let closing: Promise<void> | undefined;
    if (options.api) {
      bootstrap = await bootstrapOwner(database.db, config.adminKey);
      adminKeyIgnored = bootstrap === null && config.adminKey !== undefined && !(await isLiveApiKey(database.db, config.adminKey));
      app = await buildApp({
        ...services,
        config: { ...services.config, cronSecret: config.cronSecret, metricsToken: config.metricsToken },
        readiness,
      }, [(scope, appDeps) => registerMcpRoutes(scope, appDeps, config.mcp)]);
      if (options.listen !== false) url = await app.listen({ port: config.port, host: config.host });
    } else if (config.workerPort !== undefined && options.listen !== false) {
      app = await buildOpsApp({ db: database.db, logger, readiness, metrics, metricsToken: config.metricsToken });
      url = await app.listen({ port: config.workerPort, host: config.host });
    }
    const autoBackup =
      embeddedFolder && options.api && database.driver.kind === 'pglite'
        ? await startAutoBackup({ client: database.driver.client, dataDir: embeddedFolder, keyFile: keys.file ?? null, intervalMs: config.backupIntervalMs, keep: config.backupKeep, logger })
        : undefined;
    undoSignals();
    return {
      config,
      database,
      catalog,
      vault,
      keys,
      boss,
      services,
      logger,
      app,
      bootstrap,
      adminKeyIgnored,
      url,
      metrics,
      readiness,
      close() {
        // The folder's lock outlives everything that uses the folder: released last, whatever failed before.
        closing ??= (async () => {
          try {
            await autoBackup?.stop();
            await stopGracefully({ config, app, boss, database, shutdown, providerTraffic, logger, beginShutdown: () => (shuttingDown = true) });
          } finally {
            await lock?.release();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    // Already failing: the error above is the one to report; a half-opened database that fails to close adds nothing.
    await opened?.close().catch(() => undefined);
    await lock?.release();
    undoSignals();
    throw error;
  }
}
