import { Command, InvalidArgumentError } from 'commander';
import { allConnectors } from '../connectors/index.js';
import { Catalog } from '../core/catalog.js';
import { Keyring } from '../core/keyring.js';
import { openDatabase } from '../db/open-database.js';
import { migrate } from '../db/migrate.js';
import path from 'node:path';
import { apiClientFromEnv } from './api-client.js';
import { registerKeyCommands } from './commands/keys.js';
import { sandboxCommand } from './commands/sandbox.js';
import { syncCommand } from './commands/sync.js';
import { readConfig } from './config.js';
import { startRuntime, type Runtime } from './runtime.js';

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return n;
};
const pairs = (value: string, previous: Record<string, string> = {}) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

/**
 * SIGTERM/SIGINT stop gracefully (see Runtime.close: runs hand themselves back, the API drains) within the grace
 * period; past it the process exits anyway, and what was still running is recovered like a crashed worker's run.
 * A second signal exits at once.
 */
function stopOnSignal(runtime: Runtime): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      runtime.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const graceSeconds = runtime.config.shutdownGraceSeconds;
    runtime.logger.info({ signal, grace_seconds: graceSeconds }, 'stopping: no new jobs, running runs hand back at their next page, the API drains');
    const deadline = setTimeout(() => {
      runtime.logger.warn({ grace_seconds: graceSeconds }, 'grace period over: exiting; unfinished runs are recovered like a crashed worker’s');
      process.exit(1);
    }, graceSeconds * 1000);
    deadline.unref();
    runtime.close().then(
      () => {
        runtime.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        runtime.logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const program = new Command('tributary').description('Self-hosted connector hub: SaaS data synced into Postgres tables you own.');
const apiFlags = (cmd: Command) => cmd.option('--url <url>', 'Tributary server URL (default $TRIBUTARY_URL or http://127.0.0.1:$PORT)').option('--key <key>', 'API key (default $TRIBUTARY_API_KEY or $TRIBUTARY_ADMIN_KEY)');

program
  .command('serve')
  .description('API, admin UI, scheduler and in-process workers (embedded database unless DATABASE_URL is set)')
  .action(async () => {
    const config = readConfig();
    const runtime = await startRuntime(config, { api: true, worker: true });
    stopOnSignal(runtime);
    const where = runtime.config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${path.join(runtime.config.dataDir, 'pgdata')}`;
    runtime.logger.info(`Tributary listening on ${runtime.url} (${where})`);
    if (runtime.bootstrap?.generated) {
      process.stdout.write(`\nOwner API key (shown once, store it now):\n  ${runtime.bootstrap.apiKey}\n\n`);
    }
  });

program
  .command('worker')
  .description('Run sync workers only, against DATABASE_URL; start as many as you need')
  .action(async () => {
    const config = readConfig();
    if (!config.databaseUrl) throw new Error('`tributary worker` needs DATABASE_URL: the embedded database serves one process, so scale-out means PostgreSQL.');
    const runtime = await startRuntime(config, { api: false, worker: true });
    stopOnSignal(runtime);
    runtime.logger.info(`Tributary worker started (concurrency ${config.workerConcurrency})${runtime.url ? `; health and metrics on ${runtime.url}` : ''}`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const config = readConfig();
    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: path.join(config.dataDir, 'pgdata'),
      migrate: false,
      ...(config.dbSchema ? { schema: config.dbSchema } : {}),
    });
    const { applied } = await migrate(database.db, database.schema);
    await database.close();
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  });

program
  .command('connectors')
  .description('List the connector catalog')
  .action(() => {
    const catalog = new Catalog(allConnectors);
    for (const c of catalog.list()) process.stdout.write(`${c.id.padEnd(18)} ${c.auth_mode.padEnd(12)} ${c.name} — ${c.description}\n`);
  });

apiFlags(
  program
    .command('connect <connector>')
    .description('Install a connector: tributary connect github --field token=ghp_… --config base_url=http://127.0.0.1:4010')
    .option('--name <name>', 'display name')
    .option('--field <key=value>', 'a credential field (repeatable)', pairs, {})
    .option('--config <key=value>', 'a config setting (repeatable)', pairs, {})
    .option('--product <product>', 'product tag')
    .option('--company-id <id>', "a client company's own connection"),
).action(async (connector: string, flags: { name?: string; field: Record<string, string>; config: Record<string, string>; product?: string; companyId?: string; url?: string; key?: string }) => {
  const client = apiClientFromEnv(flags);
  const created = await client.request<{ id: string; status: string; next_step: string; oauth_url?: string }>('POST', '/connections', {
    connector,
    fields: flags.field,
    config: flags.config,
    ...(flags.name ? { name: flags.name } : {}),
    ...(flags.product ? { product: flags.product } : {}),
    ...(flags.companyId ? { company_id: flags.companyId } : {}),
  });
  process.stdout.write(`${created.id} ${created.status}${created.oauth_url ? `\nOpen to authorize: ${created.oauth_url}` : ''}\n`);
});

apiFlags(
  program
    .command('sync <connection>')
    .description('Start a sync run; --wait follows it with a progress display')
    .option('--wait', 'wait for the run to finish', false)
    .option('--full', 'full refresh instead of incremental', false)
    .option('--streams <names>', 'comma-separated streams (default: all)'),
).action(async (connection: string, flags: { wait: boolean; full: boolean; streams?: string; url?: string; key?: string }) => {
  const code = await syncCommand(apiClientFromEnv(flags), connection, {
    wait: flags.wait,
    full: flags.full,
    streams: flags.streams?.split(',').map((s) => s.trim()).filter(Boolean),
  });
  process.exitCode = code;
});

apiFlags(
  program
    .command('runs <connection>')
    .description("A connection's run history")
    .option('--limit <n>', 'how many', int('limit'), 20),
).action(async (connection: string, flags: { limit: number; url?: string; key?: string }) => {
  const client = apiClientFromEnv(flags);
  const page = await client.request<{ data: { id: string; status: string; trigger: string; mode: string; created_at: string; totals: Record<string, number>; error: string | null }[] }>(
    'GET',
    `/connections/${connection}/runs?limit=${flags.limit}`,
  );
  for (const r of page.data) {
    const t = r.totals;
    process.stdout.write(`${r.id}  ${r.status.padEnd(9)} ${r.trigger.padEnd(8)} ${r.mode.padEnd(12)} ${r.created_at}  +${t['created']} ~${t['updated']} =${t['unchanged']} -${t['deleted']}${r.error ? `  ${r.error}` : ''}\n`);
  }
});

apiFlags(
  program
    .command('records <connection> <stream>')
    .description("Print a stream's synced rows as JSON lines, following the API's cursor")
    .option('--limit <n>', 'rows per page (max 1000)', int('limit'), 1000)
    .option('--include-deleted', 'include soft-deleted rows', false)
    .option('--modified-after <iso>', 'only rows changed after this time'),
).action(async (connection: string, stream: string, flags: { limit: number; includeDeleted: boolean; modifiedAfter?: string; url?: string; key?: string }) => {
  const client = apiClientFromEnv(flags);
  let cursor: string | null = null;
  let more = true;
  while (more) {
    const query = new URLSearchParams({ limit: String(flags.limit), include_deleted: String(flags.includeDeleted) });
    if (cursor) query.set('cursor', cursor);
    if (flags.modifiedAfter) query.set('modified_after', flags.modifiedAfter);
    const page: { data: unknown[]; next_cursor: string | null; has_more: boolean } = await client.request('GET', `/connections/${connection}/records/${stream}?${query}`);
    for (const row of page.data) process.stdout.write(`${JSON.stringify(row)}\n`);
    cursor = page.next_cursor;
    more = page.has_more;
  }
});

program
  .command('sandbox <connector>')
  .description("Start a connector's provider simulator")
  .option('--port <n>', 'port', int('port'), 4010)
  .option('--host <host>', 'interface', '127.0.0.1')
  .option('--records <n>', 'records in the main stream', int('records'), 1000)
  .option('--seed <n>', 'seed for deterministic data', int('seed'), 1)
  .option('--world <n>', 'seed of the business world Stripe, QuickBooks and Gmail share (default: fixed)', int('world'))
  .option('--token <token>', 'the only credential accepted (default: printed)')
  .action(async (connector: string, flags: { port: number; host: string; records: number; seed: number; world?: number; token?: string }) => {
    await sandboxCommand(new Catalog(allConnectors), connector, flags);
  });

const keys = program.command('keys').description('Encryption keys');
keys
  .command('generate')
  .description('Print a new key ring entry for TRIBUTARY_ENCRYPTION_KEYS')
  .action(() => {
    process.stdout.write(`${new Keyring([Keyring.generateKey(`k${Date.now().toString(36)}`)]).format()}\n`);
  });
registerKeyCommands(keys, apiFlags);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`tributary: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
