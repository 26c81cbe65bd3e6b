import { AppError } from '../../contracts/errors.js';
import { listRunStreams, type RunRow, type RunStreamRow } from '../../db/queries/runs.js';
import { loadConnection } from '../connections/load-connection.js';
import type { ServiceDeps } from '../service-deps.js';
import { requestRun } from './request-run.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * A sync of one connection asked for through the API: the connection must be ready to sync (enabled, authorized,
 * with credentials unless its connector needs none) and every stream named must be one of its connector's
 * (all of them when none are named). If the connection already has an active run, that run is returned instead
 * (`existing: true`), with its per-stream rows.
 */
export async function startConnectionRun(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'runQueue'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string; streams?: string[] | undefined; fullRefresh?: boolean | undefined },
): Promise<{ run: RunRow; streams: RunStreamRow[]; existing: boolean }> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  const { manifest } = deps.catalog.get(connection.connectorId);
  if (connection.status === 'disabled') throw new AppError('connection_not_ready', 'The connection is disabled; PATCH its status to "connected" first.');
  if (connection.status === 'pending_auth') throw new AppError('connection_not_ready', 'The connection is waiting for its OAuth authorization to complete.');
  if (!connection.credentials && manifest.auth_mode !== 'none') {
    throw new AppError('connection_not_ready', `The connection is ${connection.status} and has no credentials; connect it first.`);
  }
  const known = manifest.streams.map((s) => s.name);
  const streams = input.streams ?? known;
  for (const name of streams) {
    if (!known.includes(name)) throw new AppError('validation_failed', `streams: "${name}" is not a stream of ${manifest.id} (${known.join(', ')}).`, { field: 'streams' });
  }
  const { run, existing } = await requestRun(deps, {
    workspaceId: input.workspaceId,
    connectionId: connection.id,
    trigger: 'api',
    mode: input.fullRefresh ? 'full_refresh' : 'incremental',
    streams: [...new Set(streams)],
  });
  return { run, streams: await listRunStreams(deps.db, [run.id]), existing };
}
