import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Catalog } from '../core/catalog.js';
import type { Vault } from '../core/vault.js';
import type { Db } from '../db/db.js';

export interface AppConfig {
  /** Base URL users reach this server at, for webhook URLs and OAuth redirects. */
  publicUrl: string;
  allowPrivateHosts: string[];
  /** Guards GET /api/v1/cron for an external scheduler; the route is off when unset. */
  cronSecret: string | undefined;
}

export interface AppDeps {
  db: Db;
  catalog: Catalog;
  vault: Vault;
  boss: PgBoss;
  logger: Logger;
  config: AppConfig;
}
