import path from 'node:path';
import type { OAuthApps } from '../services/oauth/oauth-client.js';
import type { LogFormat } from './log-destination.js';
import { readOAuthConfig } from './oauth-config.js';
import { readMcpTransportConfig, type McpTransportConfig } from '../mcp/server/mcp-transport-config.js';

/** Settings from the environment (see the table in docs/configuration.md). */
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
  /** LOG_FORMAT: `pretty` or `json`; unset, pretty on a terminal and JSON elsewhere. */
  logFormat: LogFormat | undefined;
  /** The operator's OAuth apps by connector id (TRIBUTARY_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET). */
  oauthApps: OAuthApps;
  /** URL prefixes an OAuth callback may send the browser back to (TRIBUTARY_OAUTH_RETURN_URLS). */
  oauthReturnUrls: string[];
  /** Embedded mode: automatic backup every so often (TRIBUTARY_BACKUP_INTERVAL, default 24h; 0 = off). */
  backupIntervalMs: number;
  /** How many automatic backups to keep (TRIBUTARY_BACKUP_KEEP, default 7). */
  backupKeep: number;
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
  /** The MCP transports: allowed origins, rate limit, conformance fixtures (TRIBUTARY_MCP_*). */
  mcp: McpTransportConfig;
}

const durationUnits: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` (or `off`/`0`) → milliseconds. */
function readBackupInterval(value: string | undefined): number {
  const text = (value ?? '24h').trim().toLowerCase();
  if (text === 'off' || text === '0') return 0;
  const match = /^(\d+)\s*([smhd])$/.exec(text);
  if (!match || Number(match[1]) === 0) throw new Error(`TRIBUTARY_BACKUP_INTERVAL must be a duration such as 30m, 24h or 7d (or off), got "${value}".`);
  return Number(match[1]) * durationUnits[match[2]!]!;
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
  const backupKeep = Number(env['TRIBUTARY_BACKUP_KEEP'] ?? 7);
  if (!Number.isInteger(backupKeep) || backupKeep < 1) throw new Error('TRIBUTARY_BACKUP_KEEP must be a positive whole number.');
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
    logFormat: readLogFormat(env['LOG_FORMAT']),
    backupIntervalMs: readBackupInterval(env['TRIBUTARY_BACKUP_INTERVAL']),
    backupKeep,
    shutdownGraceSeconds: seconds(env, 'TRIBUTARY_SHUTDOWN_GRACE_SECONDS', 25),
    shutdownDelaySeconds: seconds(env, 'TRIBUTARY_SHUTDOWN_DELAY_SECONDS', 0),
    metricsToken: env['TRIBUTARY_METRICS_TOKEN'] || undefined,
    workerPort: optionalPort(env, 'TRIBUTARY_WORKER_PORT'),
    mcp: readMcpTransportConfig(env),
    ...readOAuthConfig(env),
  };
}

function readLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'pretty' || value === 'json') return value;
  throw new Error(`LOG_FORMAT must be "pretty" or "json", got "${value}".`);
}
