import type { Command } from 'commander';
import type { RunView } from '../../contracts/api/connections.js';
import { apiFlags, type ApiFlags } from '../api-flags.js';
import { apiClientFromEnv, type ApiClient } from '../api-client.js';
import { printTable } from '../print-table.js';
import { wholeNumber } from '../whole-number.js';
import { syncCommand } from './sync.js';

interface RunLog {
  id: number;
  at: string;
  level: string;
  message: string;
  data: Record<string, unknown> | null;
}

const terminal = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints a run's log lines; with `follow`, keeps reading until the run has ended and every line is out (a
 * polling client: the API has no push channel, and a second a poll is what `tail -f` feels like).
 */
export async function runLogs(client: ApiClient, runId: string, options: { follow: boolean; pollMs?: number }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const path = `/runs/${encodeURIComponent(runId)}`;
  let after: number | undefined;
  let ended: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '1000', ...(after === undefined ? {} : { after_id: String(after) }) });
    const page = await client.request<{ data: RunLog[]; next_after_id: number | null }>('GET', `${path}/logs?${query}`);
    for (const line of page.data) out.write(formatLog(line));
    if (page.data.length > 0) after = page.data[page.data.length - 1]!.id;
    if (page.next_after_id !== null) continue;
    if (!options.follow) return 0;
    if (ended) return ended === 'COMPLETED' ? 0 : 1;
    const run = await client.request<RunView>('GET', path);
    // Read once more after the run ended: its last lines may have been written after the page above.
    if (terminal.has(run.status)) ended = run.status;
    else await pause(options.pollMs ?? 1000);
  }
}

function formatLog(line: RunLog): string {
  const data = line.data && Object.keys(line.data).length > 0 ? `  ${JSON.stringify(line.data)}` : '';
  return `${line.at}  ${line.level.padEnd(5)} ${line.message}${data}\n`;
}

/** Adds `sync`, `runs` and `logs`. */
export function registerRunCommands(program: Command): void {
  apiFlags(
    program
      .command('sync <connection>')
      .description('Start a sync run; --wait follows it with a progress display')
      .option('--wait', 'wait for the run to finish', false)
      .option('--full', 'full refresh instead of incremental', false)
      .option('--streams <names>', 'comma-separated streams (default: all)'),
  ).action(async (connection: string, flags: ApiFlags & { wait: boolean; full: boolean; streams?: string }) => {
    process.exitCode = await syncCommand(apiClientFromEnv(flags), connection, {
      wait: flags.wait,
      full: flags.full,
      streams: flags.streams?.split(',').map((s) => s.trim()).filter(Boolean),
    });
  });

  apiFlags(program.command('runs <connection>').description("A connection's run history").option('--limit <n>', 'how many', wholeNumber('limit'), 20)).action(
    async (connection: string, flags: ApiFlags & { limit: number }) => {
      const page = await apiClientFromEnv(flags).request<{ data: RunView[] }>('GET', `/connections/${encodeURIComponent(connection)}/runs?limit=${flags.limit}`);
      printTable(
        ['RUN', 'STATUS', 'TRIGGER', 'MODE', 'CREATED', 'COUNTS', 'ERROR'],
        page.data.map((r) => {
          const t = r.totals;
          return [r.id, r.status, r.trigger, r.mode, r.created_at, `+${t.created} ~${t.updated} =${t.unchanged} -${t.deleted}`, r.error ?? ''];
        }),
      );
    },
  );

  apiFlags(program.command('logs <run>').description("A run's log lines, oldest first").option('-f, --follow', 'keep printing until the run ends', false)).action(
    async (run: string, flags: ApiFlags & { follow: boolean }) => {
      process.exitCode = await runLogs(apiClientFromEnv(flags), run, { follow: flags.follow });
    },
  );
}
