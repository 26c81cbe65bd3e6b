import { z } from 'zod';
import { RunSchema } from '../../../contracts/api/connections.js';
import { getRunWithStreams } from '../../../services/runs/get-run-with-streams.js';
import { runView } from '../../../api/views.js';
import { readTool } from '../../tool-definition.js';
import { scopeOf } from '../../product-scope.js';

const input = { run_id: z.string().min(1).max(100).describe('The run id (from start_sync or get_connection).') };
const output = RunSchema.shape;

/** GET /runs/:id. */
export const getRunTool = readTool({
  name: 'get_run',
  title: 'Get a run',
  description: 'One sync run: status (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED), per-stream counts (created, updated, unchanged, deleted, failed), totals, error and timings.',
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    const { run, streams } = await getRunWithStreams(deps, { ...scopeOf(caller), runId: args.run_id });
    return runView(run, streams);
  },
});
