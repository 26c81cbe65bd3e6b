import type { Command } from 'commander';
import { apiFlags, type ApiFlags } from '../api-flags.js';
import { apiClientFromEnv } from '../api-client.js';
import { printTable } from '../print-table.js';

interface StatusItem {
  id: string;
  connector: string;
  name: string;
  status: string;
  healthy: boolean;
  last_sync_at: string | null;
  last_sync_status: string | null;
  last_sync_error: string | null;
}

/** `tributary status`: the server's health and every connection's, exit 1 when any is unhealthy (for scripts). */
export function registerStatusCommand(program: Command): void {
  apiFlags(program.command('status').description('Health of the server and of every connection of the workspace').option('--json', 'print JSON', false)).action(
    async (flags: ApiFlags & { json: boolean }) => {
      const status = await apiClientFromEnv(flags).request<{ healthy: number; unhealthy: number; data: StatusItem[] }>('GET', '/status');
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else {
        process.stdout.write(`${status.healthy} healthy, ${status.unhealthy} unhealthy connection(s)\n`);
        if (status.data.length > 0) {
          printTable(
            ['ID', 'CONNECTOR', 'STATUS', 'HEALTH', 'LAST SYNC', 'ERROR'],
            status.data.map((c) => [c.id, c.connector, c.status, c.healthy ? 'ok' : 'UNHEALTHY', c.last_sync_at ? `${c.last_sync_status ?? ''} ${c.last_sync_at}` : 'never', c.last_sync_error ?? '']),
          );
        }
      }
      process.exitCode = status.unhealthy > 0 ? 1 : 0;
    },
  );
}
