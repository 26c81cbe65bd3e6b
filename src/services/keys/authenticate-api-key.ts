import { AppError } from '../../contracts/errors.js';
import type { Role } from '../../contracts/roles.js';
import { hashToken } from '../../core/api-key-hash.js';
import { findActiveApiKeyByHash, touchApiKey } from '../../db/queries/workspaces.js';
import type { ServiceDeps } from '../service-deps.js';

export interface ApiKeyIdentity {
  workspaceId: string;
  /** The schema holding the workspace's record tables. */
  dataSchema: string;
  keyId: string;
  role: Role;
  /** A read-only key may call nothing that changes data (REST mutations are refused; MCP hides mutating tools). */
  readOnly: boolean;
  /** The products this key may see (CRM rows and connections tagged with them); null means every product. */
  products: string[] | null;
}

/** When each key's last_used_at was last written, by key id; one per caller (the API app), so writes stay rare. */
export type LastUsedWrites = Map<string, number>;

/**
 * Who a presented API key is: its workspace and role, or `unauthorized` for an unknown or revoked key.
 * last_used_at is informative; once a minute per key is plenty and keeps reads from writing.
 */
export async function authenticateApiKey(deps: Pick<ServiceDeps, 'db'>, input: { key: string; lastUsedWrites: LastUsedWrites; now?: number }): Promise<ApiKeyIdentity> {
  const row = await findActiveApiKeyByHash(deps.db, hashToken(input.key));
  if (!row) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
  const now = input.now ?? Date.now();
  if ((input.lastUsedWrites.get(row.id) ?? 0) < now - 60_000) {
    input.lastUsedWrites.set(row.id, now);
    await touchApiKey(deps.db, row.id);
  }
  return { workspaceId: row.workspaceId, dataSchema: row.dataSchema, keyId: row.id, role: row.role as Role, readOnly: row.readOnly, products: row.products ?? null };
}
