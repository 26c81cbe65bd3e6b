import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { queryRows } from '../../src/db/db.js';
import { createLogger } from '../../src/api/create-logger.js';
import { createWorkspaceWithKey, type NewWorkspace } from '../../src/services/keys/bootstrap-owner.js';
import type { ConnectorDefinition } from '../../src/contracts/connector-kit.js';
import type { Role } from '../../src/contracts/roles.js';
import { Keyring } from '../../src/core/keyring.js';
import { readConfig, type RuntimeConfig } from '../../src/cli/config.js';
import { startRuntime, type Runtime } from '../../src/cli/runtime.js';
import type { EngineOptions } from '../../src/engine/engine-deps.js';
import type { ApiResponse } from './api-types.js';
import { testDatabaseUrl, type DatabaseKind } from './databases.js';

export interface TestRuntime extends Runtime {
  kind: DatabaseKind;
  /** The schema of Tributary's tables: pass it (and the PGlite folder) to another runtime to restart on this data. */
  schema: string;
  /** Every log line written, for secret greps. */
  logLines: string[];
  workspace(role?: Role): Promise<NewWorkspace>;
  /**
   * One request through the app (no socket). `T` is the body the caller expects: a response type from
   * src/contracts/api (see api-types.ts). Without it the body is `any`, as most older call sites still read it.
   */
  inject<T = any>(opts: InjectOptions): Promise<ApiResponse<T>>;
  /** Closes the runtime and drops its schemas; `keepData` leaves them for a restart (the caller then drops them). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface InjectOptions {
  method: string;
  url: string;
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestRuntimeOptions {
  worker?: boolean;
  allowPrivateHosts?: string[];
  engine?: Partial<EngineOptions>;
  env?: Record<string, string>;
  /** Restart on an earlier runtime's data: its schema and, on PGlite, a folder (instead of memory://). */
  schema?: string;
  pgliteDataDir?: string;
  /** Settings beyond the defaults (OAuth apps, return URLs, public URL…). */
  config?: Partial<RuntimeConfig>;
  /** Test-only connectors added to the catalog. */
  connectors?: ConnectorDefinition[];
}

/** A whole Tributary (API + optional worker) on a throwaway database, isolated from every other test file. */
export async function startTestRuntime(kind: DatabaseKind, options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const schema = options.schema ?? `t_${randomBytes(6).toString('hex')}`;
  const config: RuntimeConfig = {
    ...readConfig({}),
    databaseUrl: kind === 'postgres' ? testDatabaseUrl : undefined,
    encryptionKeys: new Keyring([Keyring.generateKey('test1')]).format(),
    allowPrivateHosts: options.allowPrivateHosts ?? [],
    adminKey: undefined,
    workerConcurrency: 2,
    logLevel: 'debug',
    ...options.env,
    ...options.config,
  };
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // The production logger (its request serializer redacts credentials in URLs), writing where tests can grep.
  const logger = createLogger({ level: 'debug', destination });
  const runtime = await startRuntime(config, {
    api: true,
    worker: options.worker ?? true,
    listen: false,
    logger,
    schema,
    pgliteDataDir: options.pgliteDataDir ?? 'memory://',
    engine: { heartbeatMs: 200, ...options.engine },
    ...(options.connectors ? { connectors: options.connectors } : {}),
  });
  const app = runtime.app!;
  return Object.assign(runtime, {
    kind,
    schema,
    logLines,
    workspace: (role: Role = 'owner') => createWorkspaceWithKey(runtime.database.db, { name: `ws ${role}`, email: `${role}@test`, role }),
    async inject<T>(opts: InjectOptions): Promise<ApiResponse<T>> {
      const response = await app.inject({
        method: opts.method as 'GET',
        url: opts.url,
        headers: { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers },
        ...(opts.body === undefined ? {} : { payload: opts.body as object }),
      });
      let body: unknown;
      try {
        body = response.json();
      } catch {
        body = response.body;
      }
      return { status: response.statusCode, body: body as T, headers: response.headers, raw: response.body };
    },
    async stop(stopOptions: { keepData?: boolean } = {}) {
      if (stopOptions.keepData) return runtime.close();
      const dataSchemas = kind === 'postgres' ? await queryRows<{ data_schema: string }>(runtime.database.db, sql`select data_schema from workspaces`) : [];
      await runtime.close();
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: testDatabaseUrl });
        await client.connect();
        for (const s of [schema, `${schema}_jobs`, ...dataSchemas.map((r) => r.data_schema)]) {
          await client.query(`drop schema if exists "${s}" cascade`);
        }
        await client.end();
      }
    },
  });
}
