import type { Logger } from 'pino';
import type { Metrics } from '../contracts/metrics.js';
import type { Catalog } from '../core/catalog.js';
import type { KeyStore } from '../core/key-store.js';
import type { Vault } from '../core/vault.js';
import type { Db } from '../db/db.js';
import type { ProviderTraffic } from './credentials/provider-traffic.js';
import type { OAuthApps } from './oauth/oauth-client.js';
import type { RunQueue } from './runs/run-queue.js';

/** Settings the domain operations read; built once in `cli/runtime.ts` from the environment. */
export interface ServiceConfig {
  /** Base URL users reach this server at, for webhook URLs and OAuth redirects. */
  publicUrl: string;
  allowPrivateHosts: string[];
  /** TRIBUTARY_ALLOWED_HOSTS: hosts credentials may go to besides manifests' allowed_hosts. */
  allowedHosts: string[];
  /** The operator's OAuth apps by connector id; a connection may bring its own instead. */
  oauthApps: OAuthApps;
  /** URL prefixes the OAuth callback may redirect to, besides publicUrl. */
  oauthReturnUrls: string[];
}

/**
 * Everything a domain operation may need, passed in (never imported as a module-level singleton): the same
 * object serves the API, the CLI, jobs and MCP tools. A service function takes only the parts it uses,
 * `Pick<ServiceDeps, 'db' | 'vault'>`, so its signature says what it touches.
 */
export interface ServiceDeps {
  db: Db;
  catalog: Catalog;
  vault: Vault;
  /** The vault's key ring and where it lives, for rotation. */
  keys: KeyStore;
  /** Hands runs to the job queue. */
  runQueue: RunQueue;
  /** Per-connection rate limiters and SSRF guards shared by every outbound provider request of this process. */
  providerTraffic: ProviderTraffic;
  logger: Logger;
  config: ServiceConfig;
  /** Counters for /metrics; absent in bare tests. */
  metrics?: Metrics | undefined;
}
