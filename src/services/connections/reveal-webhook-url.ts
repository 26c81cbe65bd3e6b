import { hashToken } from '../../core/api-key-hash.js';
import { newSecretToken } from '../../core/ids.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { updateConnection } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import { webhookUrl, type WebhookUrl } from './webhook-url.js';

/**
 * The connection's webhook trigger URL, decrypted from the vault. Every reveal is audit-logged with the caller's
 * key and address, since whoever holds the URL can trigger syncs.
 */
export async function revealWebhookUrl(
  deps: Pick<ServiceDeps, 'db' | 'vault' | 'config'>,
  input: { workspaceId: string; actorKeyId: string; ip: string; connectionId: string },
): Promise<WebhookUrl> {
  const { db, vault } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId);
  let token: string;
  if (connection.webhookToken) token = vault.decrypt<string>(connection.webhookToken, `${connection.id}:webhook`);
  else {
    // Connections made before tokens were kept in the vault get a fresh token on first reveal.
    token = newSecretToken('whk');
    await updateConnection(db, input.workspaceId, connection.id, { webhookTokenHash: hashToken(token), webhookToken: vault.encrypt(token, `${connection.id}:webhook`) });
  }
  await insertAuditLog(db, {
    workspaceId: input.workspaceId,
    actorKeyId: input.actorKeyId,
    action: 'connection.webhook_url.reveal',
    targetType: 'connection',
    targetId: connection.id,
    data: { ip: input.ip },
  });
  return webhookUrl(deps.config.publicUrl, token);
}
