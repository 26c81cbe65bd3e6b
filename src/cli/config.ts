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
  workerConcurrency: number;
  cronSecret: string | undefined;
  logLevel: string;
  /** The operator's OAuth apps by connector id (TRIBUTARY_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET). */
  oauthApps: OAuthApps;
  /** URL prefixes an OAuth callback may send the browser back to (TRIBUTARY_OAUTH_RETURN_URLS). */
  oauthReturnUrls: string[];
  /**
   * On SIGTERM/SIGINT: how long running runs get to reach a page boundary, commit and hand themselves back, and
   * the API to drain, before the process exits anyway (TRIBUTARY_SHUTDOWN_GRACE_SECONDS, default 25: inside
   * Kubernetes' 30 s).
   */
  shutdownGraceSeconds: number;
  /** Seconds between readiness turning 503 and the listener closing, for load balancers to notice (default 0). */
  shutdownDelaySeconds: number;
  /** Guards GET /metrics when set (TRIBUTARY_METRICS_TOKEN). */
  metricsToken: string | undefined;
  /** `tributary worker` serves /health/* and /metrics on this port when set (TRIBUTARY_WORKER_PORT); unset, it listens on nothing. */
  workerPort: number | undefined;
}

function optionalPort(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}".`);
  return n;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds (0 or more), got "${raw}".`);
  return n;
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
    workerConcurrency: concurrency,
    cronSecret: env['TRIBUTARY_CRON_SECRET'] || undefined,
    logLevel: env['LOG_LEVEL'] ?? 'info',
    shutdownGraceSeconds: seconds(env, 'TRIBUTARY_SHUTDOWN_GRACE_SECONDS', 25),
    shutdownDelaySeconds: seconds(env, 'TRIBUTARY_SHUTDOWN_DELAY_SECONDS', 0),
    metricsToken: env['TRIBUTARY_METRICS_TOKEN'] || undefined,
    workerPort: optionalPort(env, 'TRIBUTARY_WORKER_PORT'),
    ...readOAuthConfig(env),
  };
}
