import { deleteStaleMcpOauthRows } from '../../db/queries/mcp-oauth.js';
import type { ServiceDeps } from '../service-deps.js';

/** Deletes codes and tokens a day past their expiry or revocation (they only ever explain a refusal). */
export async function sweepStaleMcpOauth(deps: Pick<ServiceDeps, 'db'>, now = new Date()): Promise<void> {
  await deleteStaleMcpOauthRows(deps.db, now);
}
