import { AppError } from '../../contracts/errors.js';
import { closeRunStreams, listRunStreams, transitionRun, updateRun, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadRun } from './load-run.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * A user's request to stop a run. A run no worker has claimed yet (PENDING) is CANCELLED at once, its streams
 * with it; a RUNNING one gets a cancel request that its worker sees at its next heartbeat, stopping within a
 * page with the work committed so far kept. A run already ended cannot be cancelled (`run_not_cancellable`).
 */
export async function cancelRun(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; products: ProductScope; runId: string }): Promise<{ run: RunRow; streams: RunStreamRow[] }> {
  const { db } = deps;
  const run = await loadRun(deps, input);
  if (run.status !== 'PENDING' && run.status !== 'RUNNING') throw new AppError('run_not_cancellable', `Run ${run.id} is already ${run.status}.`);
  const cancelled = await transitionRun(db, run.id, ['PENDING'], { status: 'CANCELLED', cancelRequestedAt: new Date(), completedAt: new Date() });
  if (cancelled) await closeRunStreams(db, run.id, run.streams, 'CANCELLED', 'CANCELLED');
  // Not PENDING (any more): a worker holds the run, which is asked to stop and ends CANCELLED itself.
  const latest = cancelled ?? (await updateRun(db, run.id, { cancelRequestedAt: new Date() })) ?? run;
  return { run: latest, streams: await listRunStreams(db, [run.id]) };
}
