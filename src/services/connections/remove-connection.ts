import { AppError } from '../../contracts/errors.js';
import { deleteConnection, type ConnectionRow } from '../../db/queries/connections.js';
import { getActiveRun } from '../../db/queries/runs.js';
import { logTributaryActivity } from '../crm/tributary-activity.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * Deletes a connection with its runs and cursors (synced rows stay in their tables). Refused (`conflict`) while a
 * run is active: the run must be cancelled first, so no worker writes for a connection that is gone.
 */
export async function removeConnection(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; products: ProductScope; connectionId: string }): Promise<ConnectionRow> {
  const row = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  const active = await getActiveRun(deps.db, row.id);
  if (active) throw new AppError('conflict', `Run ${active.id} is ${active.status}; cancel it (POST /api/v1/runs/${active.id}/cancel) before deleting.`);
  await deleteConnection(deps.db, input.workspaceId, row.id);
  await logTributaryActivity(deps.db, row, 'connection_deleted', { title: `Connection deleted: ${row.name}` });
  return row;
}
