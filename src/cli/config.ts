import path from 'node:path';

/** Settings from the environment (see the README's configuration table). */
export interface RuntimeConfig {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  encryptionKeys: string | undefined;
  adminKey: string | undefined;
  allowPrivateHosts: string[];
  workerConcurrency: number;
  cronSecret: string | undefined;
  logLevel: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env['PORT']}".`);
  const host = env['HOST'] ?? '127.0.0.1';
  const concurrency = Number(env['TRIBUTARY_WORKER_CONCURRENCY'] ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('TRIBUTARY_WORKER_CONCURRENCY must be a positive whole number.');
  return {
    port,
    host,
    publicUrl: (env['TRIBUTARY_PUBLIC_URL'] ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(env['TRIBUTARY_DATA_DIR'] ?? './.tributary'),
    databaseUrl: env['DATABASE_URL'] || undefined,
    encryptionKeys: env['TRIBUTARY_ENCRYPTION_KEYS'] || undefined,
    adminKey: env['TRIBUTARY_ADMIN_KEY'] || undefined,
    allowPrivateHosts: (env['TRIBUTARY_ALLOW_PRIVATE_HOSTS'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    workerConcurrency: concurrency,
    cronSecret: env['TRIBUTARY_CRON_SECRET'] || undefined,
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}
