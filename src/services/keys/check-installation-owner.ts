import { AppError } from '../../contracts/errors.js';
import { firstWorkspaceId } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * For what belongs to the whole installation rather than a workspace (the vault's key ring): the caller's
 * workspace must be the installation's first, which bootstrap created for the operator. Owners of other
 * workspaces are refused, since rotating or retiring keys touches every workspace's secrets. (The owner role
 * itself is the caller's check.)
 */
export async function checkInstallationOwner(deps: Pick<ServiceDeps, 'db'>, input: { workspaceId: string }): Promise<void> {
  if ((await firstWorkspaceId(deps.db)) !== input.workspaceId) {
    throw new AppError('forbidden', "Encryption keys belong to the whole installation: this needs an owner of the installation's first workspace.");
  }
}
