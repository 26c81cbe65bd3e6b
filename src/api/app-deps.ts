import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Metrics } from '../contracts/metrics.js';
import type { Catalog } from '../core/catalog.js';
import type { KeyStore } from '../core/key-store.js';
import type { Vault } from '../core/vault.js';
import type { Db } from '../db/db.js';
import type { OAuthApps } from '../engine/oauth/oauth-client.js';

export interface AppConfig {
  /** Base URL users reach this server at, for webhook URLs and OAuth redirects. */
  publicUrl: string;
  allowPrivateHosts: string[];
  /** TRIBUTARY_ALLOWED_HOSTS: hosts credentials may go to besides manifests' allowed_hosts. */
  allowedHosts: string[];
  /** Guards GET /api/v1/cron for an external scheduler; the route is off when unset. */
  cronSecret: string | undefined;
  /** The operator's OAuth apps by connector id; a connection may bring its own instead. */
  oauthApps: OAuthApps;
  /** URL prefixes the OAuth callback may redirect to, besides publicUrl. */
  oauthReturnUrls: string[];
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; unset, it is open like /health. */
  metricsToken?: string | undefined;
}

/** What GET /health/ready asks of the process around the app. */
export interface Readiness {
  /** True from the first moment of a shutdown: ready turns 503 before anything stops, so load balancers move on. */
  readonly shuttingDown: boolean;
  /** pg-boss started and not stopped. */
  readonly jobQueueRunning: boolean;
  /** Migrations this build knows that the database lacks. */
  pendingMigrations(): Promise<string[]>;
}

export interface AppDeps {
  db: Db;
  catalog: Catalog;
  vault: Vault;
  /** The vault's key ring and where it lives, for rotation (`/keys`). */
  keys: KeyStore;
  boss: PgBoss;
  logger: Logger;
  config: AppConfig;
  readiness?: Readiness | undefined;
  metrics?: Metrics | undefined;
}
