import { listRunLogs, type RunLogRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadRun } from './load-run.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * A page of a run's log lines, oldest first, after the line `afterId` (keyset paging: lines keep arriving while
 * the run works). `nextAfterId` is where the next page starts, null when this page was not full.
 */
export async function readRunLogs(
  deps: Pick<ServiceDeps, 'db'>,
  input: { workspaceId: string; products: ProductScope; runId: string; limit: number; afterId?: number | undefined },
): Promise<{ lines: RunLogRow[]; nextAfterId: number | null }> {
  const run = await loadRun(deps, input);
  const lines = await listRunLogs(deps.db, run.id, { limit: input.limit, afterId: input.afterId });
  return { lines, nextAfterId: lines.length === input.limit ? lines[lines.length - 1]!.id : null };
}
