import type { Logger } from 'pino';
import type { Catalog } from '../core/catalog.js';
import type { Vault } from '../core/vault.js';
import type { Db } from '../db/db.js';

export interface EngineOptions {
  /** Records per commit. */
  batchSize: number;
  /** Approximate payload bytes per commit, whichever limit comes first. */
  batchBytes: number;
  /** How often a running run records a heartbeat and looks for a cancel request. */
  heartbeatMs: number;
  /** host:port pairs the SSRF guard lets through (sandboxes, on-premise providers). */
  allowPrivateHosts: string[];
}

export interface EngineDeps {
  db: Db;
  catalog: Catalog;
  vault: Vault;
  logger: Logger;
  options: EngineOptions;
}

export const defaultEngineOptions: EngineOptions = {
  batchSize: 1000,
  batchBytes: 4 * 1024 * 1024,
  heartbeatMs: 2000,
  allowPrivateHosts: [],
};
