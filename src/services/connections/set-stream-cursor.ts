import { AppError } from '../../contracts/errors.js';
import { deleteStreamState, listStreamStates, putStreamState } from '../../db/queries/stream-states.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import type { ConnectionStreamStates } from './read-stream-states.js';
import type { ProductScope } from '../keys/product-scope.js';

/** What a hand edit of the state did: every cursor cleared, or one stream's set. */
export type StreamCursorChange = { kind: 'cleared' } | { kind: 'set'; stream: string; cursor: string };

/**
 * Sets one stream's cursor by hand (to resync from a date, or from a provider's own cursor value), or clears every
 * cursor of the connection (`cursor: null`) so the next sync is a full resync. A cursor is checked against the
 * connector's hand-set state schema for the stream when it has one, so a typo fails now rather than at the next
 * sync; what that schema makes of it (a parsed date, a tagged value) is what is stored.
 */
export async function setStreamCursor(
  deps: Pick<ServiceDeps, 'db' | 'catalog'>,
  input: { workspaceId: string; products: ProductScope; connectionId: string; stream?: string | undefined; cursor: string | null },
): Promise<ConnectionStreamStates & { change: StreamCursorChange }> {
  const { db, catalog } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  const { stream, cursor } = input;
  let change: StreamCursorChange;
  if (cursor === null) {
    await deleteStreamState(db, connection.id);
    change = { kind: 'cleared' };
  } else {
    if (!stream) throw new AppError('validation_failed', 'stream: required when setting a cursor.', { field: 'stream' });
    const manifest = catalog.stream(connection.connectorId, stream);
    if (!manifest.sync_modes.includes('incremental')) {
      throw new AppError('validation_failed', `stream: "${stream}" has no incremental mode, so it keeps no cursor.`, { field: 'stream' });
    }
    const schema = catalog.get(connection.connectorId).stateSchemas[stream];
    const checked = schema ? schema.safeParse({ cursor }) : undefined;
    if (checked && !checked.success) {
      const expected = checked.error.issues.map((issue) => issue.message).join('; ');
      throw new AppError('invalid_stream_state', `cursor: stream "${stream}" of ${connection.connectorId} resumes from ${expected}; got ${JSON.stringify(cursor.slice(0, 100))}.`, { field: 'cursor' });
    }
    await putStreamState(db, connection.id, stream, checked?.success ? checked.data : { cursor });
    change = { kind: 'set', stream, cursor };
  }
  return { connection, states: await listStreamStates(db, connection.id), change };
}
