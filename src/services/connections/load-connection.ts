import { AppError } from '../../contracts/errors.js';
import type { Db } from '../../db/db.js';
import { getConnection, type ConnectionRow } from '../../db/queries/connections.js';

/** A connection of the caller's workspace, or 404: another workspace's connection does not exist for them. */
export async function loadConnection(db: Db, workspaceId: string, id: string): Promise<ConnectionRow> {
  const row = await getConnection(db, workspaceId, id);
  if (!row) throw new AppError('connection_not_found', `No connection "${id}".`);
  return row;
}
