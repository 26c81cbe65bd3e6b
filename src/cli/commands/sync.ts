import type { RunView } from '../../contracts/api/connections.js';
import type { ApiClient } from '../api-client.js';

const terminal = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describe(run: RunView): string {
  const streams = run.streams
    .map((s) => `${s.stream} ${s.status.toLowerCase()} +${s.created} ~${s.updated} =${s.unchanged}${s.deleted ? ` -${s.deleted}` : ''}`)
    .join(' | ');
  return `${run.id} ${run.status}  ${streams}`;
}

export interface SyncOptions {
  wait: boolean;
  full: boolean;
  streams?: string[] | undefined;
  out?: NodeJS.WriteStream;
}

/** Starts a run; with --wait follows it to the end: a redrawn line on a terminal, plain lines otherwise. */
export async function syncCommand(client: ApiClient, connectionId: string, options: SyncOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const started = await client.request<{ run: RunView; existing: boolean; message: string }>('POST', `/connections/${connectionId}/runs`, {
    full_refresh: options.full,
    ...(options.streams ? { streams: options.streams } : {}),
  });
  out.write(`${started.message}\n`);
  if (!options.wait) return 0;
  const tty = Boolean(out.isTTY);
  let last = '';
  const startedAt = Date.now();
  for (;;) {
    const run = await client.request<RunView>('GET', `/runs/${started.run.id}`);
    const line = describe(run);
    if (tty) {
      const elapsed = ((Date.now() - startedAt) / 1000).toFixed(1);
      out.write(`\r\x1b[2K${line}  ${elapsed}s`);
    } else if (line !== last) {
      out.write(`${line}\n`);
    }
    last = line;
    if (terminal.has(run.status)) {
      if (tty) out.write('\n');
      const t = run.totals;
      out.write(`${run.status}: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.deleted} deleted, ${t.failed} failed${run.error ? ` — ${run.error}` : ''}\n`);
      return run.status === 'COMPLETED' ? 0 : 1;
    }
    await sleep(tty ? 250 : 1000);
  }
}
