import type { ApiKeyRow } from '../../../db/queries/workspaces.js';
import { RoleSchema } from '../../../contracts/roles.js';

/** An API key as the API shows it: never the secret, only its prefix. */
export const apiKeyView = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  role: RoleSchema.parse(row.role),
  created_at: new Date(row.createdAt).toISOString(),
  last_used_at: row.lastUsedAt ? new Date(row.lastUsedAt).toISOString() : null,
  revoked_at: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
  read_only: row.readOnly,
  products: row.products ?? null,
});
