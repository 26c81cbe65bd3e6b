import { listRunStreams, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadRun } from './load-run.js';
import type { ProductScope } from '../keys/product-scope.js';

/** One run of the caller's workspace with its per-stream rows (status and counts). */
export async function getRunWithStreams(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; products: ProductScope; runId: string }): Promise<{ run: RunRow; streams: RunStreamRow[] }> {
  const run = await loadRun(deps, input);
  return { run, streams: await listRunStreams(deps.db, [run.id]) };
}
