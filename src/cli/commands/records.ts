import type { Command } from 'commander';
import { apiFlags, type ApiFlags } from '../api-flags.js';
import { apiClientFromEnv } from '../api-client.js';
import { wholeNumber } from '../whole-number.js';

/** `tributary records`: a stream's rows as JSON lines, following the change feed's cursor to the end. */
export function registerRecordsCommand(program: Command): void {
  apiFlags(
    program
      .command('records <connection> <stream>')
      .description("Print a stream's synced rows as JSON lines, following the API's cursor")
      .option('--limit <n>', 'rows per page (max 1000)', wholeNumber('limit'), 1000)
      .option('--include-deleted', 'include soft-deleted rows', false)
      .option('--modified-after <iso>', 'only rows changed after this time'),
  ).action(async (connection: string, stream: string, flags: ApiFlags & { limit: number; includeDeleted: boolean; modifiedAfter?: string }) => {
    const client = apiClientFromEnv(flags);
    let cursor: string | null = null;
    let more = true;
    while (more) {
      const query = new URLSearchParams({ limit: String(flags.limit), include_deleted: String(flags.includeDeleted) });
      if (cursor) query.set('cursor', cursor);
      if (flags.modifiedAfter) query.set('modified_after', flags.modifiedAfter);
      const page: { data: unknown[]; next_cursor: string | null; has_more: boolean } = await client.request(
        'GET',
        `/connections/${encodeURIComponent(connection)}/records/${encodeURIComponent(stream)}?${query}`,
      );
      for (const row of page.data) process.stdout.write(`${JSON.stringify(row)}\n`);
      cursor = page.next_cursor;
      more = page.has_more;
    }
  });
}
