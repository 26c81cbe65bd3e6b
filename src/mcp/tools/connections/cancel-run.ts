import { z } from 'zod';
import { RunSchema } from '../../../contracts/api/connections.js';
import { cancelRun } from '../../../services/runs/cancel-run.js';
import { runView } from '../../../api/views.js';
import type { McpToolDefinition } from '../../tool-definition.js';
import { scopeOf } from '../../product-scope.js';

const input = { run_id: z.string().min(1).max(100).describe('The run to stop.') };
const output = RunSchema.shape;

/** POST /runs/:id/cancel. */
export const cancelRunTool: McpToolDefinition<typeof input, typeof output> = {
  name: 'cancel_run',
  title: 'Cancel a run',
  description:
    'Stop a sync run: a pending run is cancelled at once, a running one within a page; work already committed is kept. A run that already ended cannot be cancelled (run_not_cancellable).',
  inputSchema: input,
  outputSchema: output,
  // Nothing is deleted (committed work stays); asking twice changes nothing more.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  mutates: true,
  minRole: 'member',
  async run({ deps, caller }, args) {
    const { run, streams } = await cancelRun(deps, { ...scopeOf(caller), runId: args.run_id });
    return runView(run, streams);
  },
};
