import type { RunRow } from '../../../db/queries/runs.js';
import { AppError, isAppError } from '../../../contracts/errors.js';
import { loadRun } from '../../../services/runs/load-run.js';
import type { ServiceDeps } from '../../../services/service-deps.js';
import type { McpCaller } from '../../mcp-caller.js';
import { loadScopedConnection, scopeOf } from '../../product-scope.js';

/** A run of the caller's workspace whose connection is in the caller's product scope, or `run_not_found`. */
export async function loadScopedRun(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, runId: string): Promise<RunRow> {
  const run = await loadRun(deps, { ...scopeOf(caller), runId });
  if (caller.products === null) return run;
  try {
    await loadScopedConnection(deps, caller, run.connectionId);
  } catch (error) {
    if (isAppError(error) && error.code === 'connection_not_found') throw new AppError('run_not_found', `No run "${runId}".`);
    throw error;
  }
  return run;
}
