import { z } from 'zod';
import { RunLogSchema } from '../../../contracts/api/runs.js';
import { readRunLogs } from '../../../services/runs/read-run-logs.js';
import { readTool } from '../../tool-definition.js';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';
import { scopeOf } from '../../product-scope.js';

const input = {
  run_id: z.string().min(1).max(100).describe('The run whose log to read.'),
  limit: z.number().int().min(1).max(500).default(100).describe('Lines per page, at most 500.'),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page; lines keep arriving while the run works.'),
};
const output = { lines: z.array(RunLogSchema), next_cursor: z.string().nullable() };

/** GET /runs/:id/logs, keyset-paged: the cursor wraps the last line's id. */
export const getRunLogsTool = readTool({
  name: 'get_run_logs',
  title: "Read a run's logs",
  description: "A sync run's log lines, oldest first (level, message, data). next_cursor is null when this page was not full.",
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    const afterId = args.cursor ? decodePageCursor(args.cursor, ['a'])['a'] : undefined;
    const { lines, nextAfterId } = await readRunLogs(deps, { ...scopeOf(caller), runId: args.run_id, limit: args.limit, afterId });
    return {
      lines: lines.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), level: r.level, message: r.message, data: r.data ?? null })),
      next_cursor: nextAfterId === null ? null : encodePageCursor({ a: nextAfterId }),
    };
  },
});
