import { Command } from 'commander';
import { apiFlags } from './api-flags.js';
import { ApiError } from './api-client.js';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import { registerConnectionCommands } from './commands/connections.js';
import { registerDataFolderCommands } from './commands/data-folder-commands.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerOwnerKeyCommand } from './commands/keys-owner.js';
import { registerRecordsCommand } from './commands/records.js';
import { registerRunCommands } from './commands/runs.js';
import { registerServerCommands } from './commands/server.js';
import { registerStatusCommand } from './commands/status.js';
import { wholeNumber } from './whole-number.js';

exitQuietlyOnClosedPipe();

/**
 * Heavy modules (every connector, the server, the database drivers) load only in the commands that use them: a
 * command that just calls the API starts in a fraction of the time (tsx compiles whatever is imported).
 */
async function loadCatalog() {
  const [{ allConnectors }, { Catalog }] = await Promise.all([import('../connectors/index.js'), import('../core/catalog.js')]);
  return new Catalog(allConnectors);
}

const program = new Command('tributary').description('Self-hosted connector hub: SaaS data synced into Postgres tables you own.');

registerServerCommands(program);

program
  .command('connectors')
  .description('List the connector catalog')
  .action(async () => {
    const catalog = await loadCatalog();
    for (const c of catalog.list()) process.stdout.write(`${c.id.padEnd(18)} ${c.auth_mode.padEnd(12)} ${c.name} — ${c.description}\n`);
  });

registerConnectionCommands(program);
registerRunCommands(program);
registerRecordsCommand(program);
registerStatusCommand(program);
registerMcpCommand(program);

program
  .command('sandbox <connector>')
  .description("Start a connector's provider simulator")
  .option('--port <n>', 'port', wholeNumber('port'), 4010)
  .option('--host <host>', 'interface', '127.0.0.1')
  .option('--records <n>', 'records in the main stream', wholeNumber('records'), 1000)
  .option('--seed <n>', 'seed for deterministic data', wholeNumber('seed'), 1)
  .option('--world <n>', 'seed of the business world Stripe, QuickBooks and Gmail share (default: fixed)', wholeNumber('world'))
  .option('--token <token>', 'the only credential accepted (default: printed)')
  .action(async (connector: string, flags: { port: number; host: string; records: number; seed: number; world?: number; token?: string }) => {
    const { sandboxCommand } = await import('./commands/sandbox.js');
    await sandboxCommand(await loadCatalog(), connector, flags);
  });

const keys = program.command('keys').description('API keys and encryption keys');
keys
  .command('generate')
  .description('Print a new key ring entry for TRIBUTARY_ENCRYPTION_KEYS')
  .action(async () => {
    const { Keyring } = await import('../core/keyring.js');
    process.stdout.write(`${new Keyring([Keyring.generateKey(`k${Date.now().toString(36)}`)]).format()}\n`);
  });
registerKeyCommands(keys, apiFlags);
registerOwnerKeyCommand(keys);
registerDataFolderCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // An API refusal says its stable code, so scripts and people can look it up (docs/api-errors.md).
  const message = error instanceof ApiError ? `${error.message} (${error.code}, HTTP ${error.status})` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`tributary: ${message}\n`);
  process.exit(1);
});
