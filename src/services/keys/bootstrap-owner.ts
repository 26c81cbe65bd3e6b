import type { Role } from '../../contracts/roles.js';
import { hashToken } from '../../core/api-key-hash.js';
import { newId } from '../../core/ids.js';
import { takeAdvisoryLock } from '../../db/advisory-locks.js';
import type { Db } from '../../db/db.js';
import { countWorkspaces, insertApiKey, insertMember, insertWorkspace } from '../../db/queries/workspaces.js';
import { mintApiKey } from './mint-api-key.js';

export interface NewWorkspace {
  workspaceId: string;
  dataSchema: string;
  keyId: string;
  /** The API key in clear: shown once, stored only as a hash. */
  apiKey: string;
}

/** A workspace, its first member and an API key with `role`, in one transaction. */
export async function createWorkspaceWithKey(db: Db, options: { name: string; email: string; role: Role; apiKey?: string | undefined }): Promise<NewWorkspace> {
  return db.transaction(async (tx) => {
    const workspaceId = newId('ws', 16);
    const workspace = await insertWorkspace(tx, { id: workspaceId, name: options.name, dataSchema: workspaceId });
    const member = await insertMember(tx, { id: newId('mem'), workspaceId, email: options.email, role: options.role });
    // A generated key's head is its public `trb_` and 4 random characters of 43; an operator's own key has no
    // public part, so its head would be a piece of the secret: it is named by where it came from instead.
    const { apiKey, prefix, hash } = options.apiKey === undefined ? mintApiKey() : { apiKey: options.apiKey, prefix: 'TRIBUTARY_ADMIN_KEY', hash: hashToken(options.apiKey) };
    const keyId = newId('key');
    await insertApiKey(tx, { id: keyId, workspaceId, memberId: member.id, name: `${options.role} key`, prefix, hash, role: options.role });
    return { workspaceId, dataSchema: workspace.dataSchema, keyId, apiKey };
  });
}

/**
 * First start on an empty database: a workspace whose owner's API key is TRIBUTARY_ADMIN_KEY when set,
 * otherwise a generated one that the caller prints once.
 */
export async function bootstrapOwner(db: Db, adminKey: string | undefined): Promise<(NewWorkspace & { generated: boolean }) | null> {
  if (adminKey !== undefined && adminKey.length < 16) throw new Error('TRIBUTARY_ADMIN_KEY must be at least 16 characters.');
  return db.transaction(async (tx) => {
    // Several processes may start together on one PostgreSQL: only the first creates the owner.
    await takeAdvisoryLock(tx, 'bootstrapOwner');
    if ((await countWorkspaces(tx)) > 0) return null;
    const created = await createWorkspaceWithKey(tx, { name: 'Default', email: 'owner@localhost', role: 'owner', apiKey: adminKey });
    return { ...created, generated: adminKey === undefined };
  });
}
