import { AppError } from '../../contracts/errors.js';
import { getRun, type RunRow } from '../../db/queries/runs.js';
import type { ServiceDeps } from '../service-deps.js';

/** A run of the caller's workspace, or `run_not_found`: another workspace's run does not exist for them. */
export async function loadRun(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; runId: string }): Promise<RunRow> {
  const run = await getRun(deps.db, input.workspaceId, input.runId);
  if (!run) throw new AppError('run_not_found', `No run "${input.runId}".`);
  return run;
}
