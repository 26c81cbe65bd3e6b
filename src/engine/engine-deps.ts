import type { Logger } from 'pino';
import type { Metrics } from '../contracts/metrics.js';
import type { Catalog } from '../core/catalog.js';
import type { Vault } from '../core/vault.js';
import type { Db } from '../db/db.js';
import type { DbRetryPolicy } from '../db/retry-transient.js';
import type { ProviderTraffic } from '../services/credentials/provider-traffic.js';
import type { OAuthApps } from '../services/oauth/oauth-client.js';
import type { WorkerShutdown } from './worker-shutdown.js';

export interface EngineOptions {
  /** Records per commit. */
  batchSize: number;
  /** Approximate payload bytes per commit, whichever limit comes first. */
  batchBytes: number;
  /** How often a running run records a heartbeat and looks for a cancel request. */
  heartbeatMs: number;
  /**
   * Messages (a page of records, a checkpoint) a stream's reader may run ahead of the writer, so that fetching
   * and parsing the next pages overlaps the commit of the current batch. 24 is about 12 pages of 100: a batch of
   * 1,000 records and then some.
   */
  readAheadMessages: number;
  /** host:port pairs the SSRF guard lets through (sandboxes, on-premise providers). */
  allowPrivateHosts: string[];
  /** TRIBUTARY_ALLOWED_HOSTS: hosts credentials may go to besides manifests' allowed_hosts. */
  allowedHosts: string[];
  /** The operator's OAuth apps by connector id, used to refresh tokens of connections without their own app. */
  oauthApps: OAuthApps;
  /** How long one attempt of a provider request may take before it counts as a timeout (and is retried). */
  requestTimeoutMs: number;
  /** How long a transient database failure is retried in place before the attempt gives up and resumes later. */
  dbRetry: DbRetryPolicy;
}

export interface EngineDeps {
  db: Db;
  catalog: Catalog;
  vault: Vault;
  logger: Logger;
  options: EngineOptions;
  /** Per-connection rate limiters and SSRF guards, the same object the services get (built in `cli/runtime.ts`). */
  providerTraffic: ProviderTraffic;
  /** Counters for /metrics (runs, records, provider requests, refresh failures); absent in bare tests. */
  metrics?: Metrics | undefined;
  /** This process's shutdown: running runs hand themselves back when it is requested. */
  shutdown?: WorkerShutdown | undefined;
}

export const defaultEngineOptions: EngineOptions = {
  batchSize: 1000,
  batchBytes: 4 * 1024 * 1024,
  heartbeatMs: 2000,
  readAheadMessages: 24,
  allowPrivateHosts: [],
  allowedHosts: [],
  oauthApps: {},
  requestTimeoutMs: 30_000,
  dbRetry: { attempts: 7, baseDelayMs: 250, maxDelayMs: 8000 },
};
