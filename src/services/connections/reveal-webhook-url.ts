import { webhookTokenBoundTo } from '../../core/vault-columns.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { updateConnection } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import { mintWebhookToken, webhookUrl, type WebhookUrl } from './webhook-url.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * The connection's webhook trigger URL, decrypted from the vault. Every reveal is audit-logged with the caller's
 * key and address, since whoever holds the URL can trigger syncs.
 */
export async function revealWebhookUrl(
  deps: Pick<ServiceDeps, 'db' | 'vault' | 'config'>,
  input: { workspaceId: string; products: ProductScope; actorKeyId: string; ip: string; connectionId: string },
): Promise<WebhookUrl> {
  const { db, vault } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  let token: string;
  if (connection.webhookToken) token = vault.decrypt<string>(connection.webhookToken, webhookTokenBoundTo(connection.id));
  else {
    // Connections made before tokens were kept in the vault get a fresh token on first reveal.
    const minted = mintWebhookToken(vault, connection.id);
    token = minted.token;
    await updateConnection(db, input.workspaceId, connection.id, minted.columns);
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
