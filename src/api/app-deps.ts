import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
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
}
