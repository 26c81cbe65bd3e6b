import type { CrmEntityType } from '../../contracts/crm.js';
import { softDeleteEntity } from '../../db/queries/crm-entities.js';
import type { ServiceDeps } from '../service-deps.js';
import { entityNotFound } from './entity-write.js';

/** Deletes an entity softly: a synced record that changes later brings it back. */
export async function deleteCrmEntity(deps: Pick<ServiceDeps, 'db'>, input: { type: CrmEntityType; workspaceId: string; id: string }): Promise<void> {
  const deleted = await deps.db.transaction((tx) => softDeleteEntity(tx, input.type, input.workspaceId, input.id));
  if (!deleted) throw entityNotFound(input.type, input.id);
}
