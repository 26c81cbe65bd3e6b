import path from 'node:path';
import type { OAuthApps } from '../engine/oauth/oauth-client.js';
import { readOAuthConfig } from './oauth-config.js';

/** Settings from the environment (see the README's configuration table). */
export interface RuntimeConfig {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Schema of Tributary's own tables (pg-boss uses `<schema>_jobs`); default `tributary`. */
  dbSchema: string | undefined;
  encryptionKeys: string | undefined;
  adminKey: string | undefined;
  allowPrivateHosts: string[];
  /** Hosts credentials may go to besides manifests' allowed_hosts (TRIBUTARY_ALLOWED_HOSTS: `host`, `*.domain`, `connector=host`). */
  allowedHosts: string[];
  workerConcurrency: number;
  cronSecret: string | undefined;
  logLevel: string;
  /** The operator's OAuth apps by connector id (TRIBUTARY_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET). */
  oauthApps: OAuthApps;
  /** URL prefixes an OAuth callback may send the browser back to (TRIBUTARY_OAUTH_RETURN_URLS). */
  oauthReturnUrls: string[];
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env['PORT']}".`);
  const host = env['HOST'] ?? '127.0.0.1';
  const dbSchema = env['TRIBUTARY_DB_SCHEMA'] || undefined;
  if (dbSchema !== undefined && !/^[a-z_][a-z0-9_]{0,50}$/.test(dbSchema)) {
    throw new Error(`TRIBUTARY_DB_SCHEMA must be a lower-case SQL identifier (letters, digits, _), got "${dbSchema}".`);
  }
  const concurrency = Number(env['TRIBUTARY_WORKER_CONCURRENCY'] ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('TRIBUTARY_WORKER_CONCURRENCY must be a positive whole number.');
  return {
    port,
    host,
    publicUrl: (env['TRIBUTARY_PUBLIC_URL'] ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(env['TRIBUTARY_DATA_DIR'] ?? './.tributary'),
    databaseUrl: env['DATABASE_URL'] || undefined,
    dbSchema,
    encryptionKeys: env['TRIBUTARY_ENCRYPTION_KEYS'] || undefined,
    adminKey: env['TRIBUTARY_ADMIN_KEY'] || undefined,
    allowPrivateHosts: (env['TRIBUTARY_ALLOW_PRIVATE_HOSTS'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    allowedHosts: (env['TRIBUTARY_ALLOWED_HOSTS'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    workerConcurrency: concurrency,
    cronSecret: env['TRIBUTARY_CRON_SECRET'] || undefined,
    logLevel: env['LOG_LEVEL'] ?? 'info',
    ...readOAuthConfig(env),
  };
}
