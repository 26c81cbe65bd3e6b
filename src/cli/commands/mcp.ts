import type { Command } from 'commander';
import { readConfig } from '../config.js';

interface McpFlags {
  url?: string;
  key?: string;
  readOnly: boolean;
}

/**
 * `tributary mcp`: the MCP server over stdio, for desktop clients that start a command. Two modes:
 * - with a URL (--url or TRIBUTARY_URL): a bridge to a running server's /mcp, messages passed through as they are;
 * - without: the database opened here (like other local commands) and the tools served in this process.
 * stdout is the protocol channel in both: every log line goes to stderr.
 */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('Serve MCP over stdio: bridge to a running server (--url) or open the database directly')
    .option('--url <url>', 'base URL of a running Tributary (env TRIBUTARY_URL); omit to open the database here')
    .option('--key <key>', 'API key (env TRIBUTARY_API_KEY)')
    .option('--read-only', 'hide every tool that changes data, whatever the key may do', false)
    .action(async (flags: McpFlags) => {
      const key = flags.key ?? process.env['TRIBUTARY_API_KEY'];
      if (!key) throw new Error('`tributary mcp` needs an API key: --key or TRIBUTARY_API_KEY.');
      const url = flags.url ?? process.env['TRIBUTARY_URL'];
      if (url) {
        const { bridgeStdioToHttp } = await import('../../mcp/server/stdio-bridge.js');
        await bridgeStdioToHttp({ url, key, readOnly: flags.readOnly });
        return;
      }
      await serveDirect(key, flags.readOnly);
    });
}

/** Direct mode: this process opens the database (the embedded folder is then locked to it, as for any command). */
async function serveDirect(key: string, readOnly: boolean): Promise<void> {
  const [{ startRuntime }, { createLogger }, { authenticateApiKey }, { serveStdio }, pino] = await Promise.all([
    import('../runtime.js'),
    import('../../api/create-logger.js'),
    import('../../services/keys/authenticate-api-key.js'),
    import('../../mcp/server/serve-stdio.js'),
    import('pino'),
  ]);
  const config = readConfig();
  // stderr, never stdout: stdout is the protocol channel.
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ fd: 2, sync: true }) });
  const runtime = await startRuntime(config, { api: false, worker: false, listen: false, logger, command: 'mcp', processMetrics: false });
  try {
    const identity = await authenticateApiKey(runtime.services, { key, lastUsedWrites: new Map() });
    const caller = { ...identity, readOnly: identity.readOnly || readOnly, actor: { kind: 'api_key' as const, id: identity.keyId } };
    const deps = { ...runtime.services, config: { ...runtime.services.config, cronSecret: config.cronSecret, metricsToken: config.metricsToken }, readiness: runtime.readiness };
    process.stderr.write(`tributary mcp: serving workspace ${identity.workspaceId} over stdio${caller.readOnly ? ' (read-only)' : ''}\n`);
    await serveStdio(deps, caller, { conformanceFixtures: config.mcp.conformanceFixtures });
  } finally {
    await runtime.close();
  }
}
