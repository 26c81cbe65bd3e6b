import { z } from 'zod';
import { StartRunResponseSchema } from '../../../contracts/api/runs.js';
import { startConnectionRun } from '../../../services/runs/start-connection-run.js';
import { runView } from '../../../api/views.js';
import type { McpToolDefinition } from '../../tool-definition.js';
import { scopeOf } from '../../product-scope.js';

const input = {
  connection_id: z.string().min(1).max(100).describe('The connection to sync.'),
  mode: z
    .enum(['incremental', 'full_refresh'])
    .default('incremental')
    .describe('incremental (default) resumes from each stream\'s cursor; full_refresh reads everything again and soft-deletes rows the provider no longer has.'),
  streams: z.array(z.string().min(1).max(100)).min(1).max(100).optional().describe('Streams to sync (see list_streams); all of them when absent.'),
};
const output = StartRunResponseSchema.shape;

/** POST /connections/:id/runs: the same service, so the same readiness checks and one-active-run rule. */
export const startSyncTool: McpToolDefinition<typeof input, typeof output> = {
  name: 'start_sync',
  title: 'Start a sync',
  description:
    'Queue a sync run of a connection (incremental or full refresh, all or some streams). Returns the run at once; poll get_run for progress. If the connection already has a pending or running run, that run is returned instead (existing: true).',
  inputSchema: input,
  outputSchema: output,
  // A full refresh soft-deletes rows the provider no longer has; every sync calls the provider's API.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  mutates: true,
  minRole: 'member',
  async run({ deps, caller }, args) {
    const { run, streams, existing } = await startConnectionRun(deps, {
      ...scopeOf(caller),
      connectionId: args.connection_id,
      streams: args.streams,
      fullRefresh: args.mode === 'full_refresh',
    });
    const message = existing ? `Run ${run.id} is already ${run.status.toLowerCase()} for this connection; returning it.` : `Run ${run.id} queued.`;
    return { run: runView(run, streams), existing, message };
  },
};
