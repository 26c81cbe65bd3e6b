import { listApiKeys as selectApiKeys, type ApiKeyRow } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';

/** The workspace's API keys, revoked ones included. The rows carry the keys' hashes: renderers must leave them out. */
export async function listApiKeys(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string }): Promise<ApiKeyRow[]> {
  return selectApiKeys(deps.db, input.workspaceId);
}
