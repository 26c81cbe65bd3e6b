import type { Command } from 'commander';
import type { ConnectionView } from '../../contracts/api/connections.js';
import { apiFlags, type ApiFlags } from '../api-flags.js';
import { apiClientFromEnv, type ApiClient } from '../api-client.js';
import { connectCommand, type ConnectFlags } from './connect.js';
import { printTable } from '../print-table.js';

interface ConnectionList {
  data: ConnectionView[];
  pagination: { total: number; limit: number; offset: number };
}

interface ConnectionDetail extends ConnectionView {
  recent_runs: { id: string; status: string; trigger: string; mode: string; created_at: string; error: string | null }[];
}

const keyValue = (pairs: Record<string, string>, value: string) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new Error(`expected key=value, got "${value}"`);
  return { ...pairs, [value.slice(0, at)]: value.slice(at + 1) };
};

export async function listConnections(client: ApiClient, flags: { connector?: string; status?: string; all?: boolean; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const rows: ConnectionView[] = [];
  // Every page: a CLI list is read by people and scripts that expect all of it.
  for (let offset = 0; ; offset += 100) {
    const query = new URLSearchParams({ limit: '100', offset: String(offset) });
    if (flags.connector) query.set('connector', flags.connector);
    if (flags.status) query.set('status', flags.status);
    if (flags.all) query.set('include_all', 'true');
    const page = await client.request<ConnectionList>('GET', `/connections?${query}`);
    rows.push(...page.data);
    if (page.data.length < 100 || rows.length >= page.pagination.total) break;
  }
  if (flags.json) {
    out.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    out.write('No connections yet: `tributary connect <connector> …` installs one (`tributary connectors` lists them).\n');
    return 0;
  }
  printTable(
    ['ID', 'CONNECTOR', 'STATUS', 'LAST SYNC', 'NAME'],
    rows.map((c) => [c.id, c.connector, c.status, c.last_sync_at ? `${c.last_sync_status ?? ''} ${c.last_sync_at}` : 'never', c.name]),
    out,
  );
  return 0;
}

export async function showConnection(client: ApiClient, id: string, flags: { json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const c = await client.request<ConnectionDetail>('GET', `/connections/${encodeURIComponent(id)}`);
  if (flags.json) {
    out.write(`${JSON.stringify(c, null, 2)}\n`);
    return 0;
  }
  const lines: [string, string][] = [
    ['id', c.id],
    ['name', c.name],
    ['connector', c.connector],
    ['status', c.status],
    ['credentials', c.has_credentials ? 'stored (never shown)' : 'none'],
    ['config', JSON.stringify(c.config)],
    ['schedule', c.schedule ? JSON.stringify(c.schedule) : 'none'],
    ['last sync', c.last_sync_at ? `${c.last_sync_status} at ${c.last_sync_at}${c.last_sync_error ? ` — ${c.last_sync_error}` : ''}` : 'never'],
    ['last check', c.last_check_at ? `${c.last_check_ok ? 'ok' : 'failed'} at ${c.last_check_at}${c.last_check_message ? ` — ${c.last_check_message}` : ''}` : 'never'],
  ];
  if (c.product) lines.push(['product', c.product]);
  if (c.company_id) lines.push(['company', c.company_id]);
  if (c.variant_group_id) lines.push(['variant of', `${c.variant_group_id}${c.variant_label ? ` (${c.variant_label})` : ''}`]);
  for (const [k, v] of lines) out.write(`${k.padEnd(12)} ${v}\n`);
  if (c.recent_runs.length > 0) {
    out.write('\nrecent runs:\n');
    printTable(['RUN', 'STATUS', 'TRIGGER', 'MODE', 'CREATED', 'ERROR'], c.recent_runs.map((r) => [r.id, r.status, r.trigger, r.mode, r.created_at, r.error ?? '']), out);
  }
  return 0;
}

/** Adds `connect` and `connections list|show|delete|disconnect`. */
export function registerConnectionCommands(program: Command): void {
  apiFlags(
    program
      .command('connect <connector>')
      .description('Install a connector: tributary connect github --field token=ghp_… --config base_url=http://127.0.0.1:4010')
      .option('--name <name>', 'display name')
      .option('--field <key=value>', 'a credential field (repeatable)', (v, p: Record<string, string>) => keyValue(p, v), {})
      .option('--config <key=value>', 'a config setting (repeatable)', (v, p: Record<string, string>) => keyValue(p, v), {})
      .option('--product <product>', 'product tag')
      .option('--company-id <id>', "a client company's own connection")
      .option('--no-verify', 'save without probing the credentials at the provider (status pending until a check or sync passes)'),
  ).action(async (connector: string, flags: ApiFlags & ConnectFlags) => {
    await connectCommand(apiClientFromEnv(flags), connector, flags);
  });

  const connections = program.command('connections').description('List, show, delete and disconnect connections');
  apiFlags(
    connections
      .command('list', { isDefault: true })
      .description("The workspace's connections")
      .option('--connector <id>', 'only this connector')
      .option('--status <status>', 'only this status')
      .option('--all', "also clients' and products' connections (company_id or product set)", false)
      .option('--json', 'print JSON', false),
  ).action(async (flags: ApiFlags & { connector?: string; status?: string; all: boolean; json: boolean }) => {
    process.exitCode = await listConnections(apiClientFromEnv(flags), flags);
  });
  apiFlags(connections.command('show <id>').description('One connection, its settings and recent runs (never its credentials)').option('--json', 'print JSON', false)).action(
    async (id: string, flags: ApiFlags & { json: boolean }) => {
      process.exitCode = await showConnection(apiClientFromEnv(flags), id, flags);
    },
  );
  apiFlags(connections.command('delete <id>').description('Delete a connection, its runs and cursors (its synced rows stay)')).action(async (id: string, flags: ApiFlags) => {
    await apiClientFromEnv(flags).request('DELETE', `/connections/${encodeURIComponent(id)}`);
    process.stdout.write(`${id}  deleted\n`);
  });
  apiFlags(connections.command('disconnect <id>').description('Revoke OAuth tokens where the provider allows, clear the credentials, stop syncing')).action(async (id: string, flags: ApiFlags) => {
    const result = await apiClientFromEnv(flags).request<{ status: string; revocation?: { message: string } }>('POST', `/connections/${encodeURIComponent(id)}/disconnect`);
    process.stdout.write(`${id}  ${result.status}${result.revocation ? `\n${result.revocation.message}` : ''}\n`);
  });
}
