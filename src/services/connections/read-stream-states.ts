import { listStreamStates, type StreamStateRow } from '../../db/queries/stream-states.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

/** A connection and the state each of its streams resumes from (its cursor), by stream name. */
export interface ConnectionStreamStates {
  connection: ConnectionRow;
  states: StreamStateRow[];
}

/** The cursors a connection's next sync resumes from: one row per stream that has synced incrementally. */
export async function readStreamStates(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string; products: ProductScope; connectionId: string }): Promise<ConnectionStreamStates> {
  const connection = await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  return { connection, states: await listStreamStates(deps.db, connection.id) };
}
