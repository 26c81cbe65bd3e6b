import { defaultWebhookGraceSeconds } from '../../contracts/api/webhook-url.js';
import { AppError } from '../../contracts/errors.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import { rotateWebhookToken } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from './load-connection.js';
import { mintWebhookToken, webhookUrl, type WebhookUrl } from './webhook-url.js';
import type { ProductScope } from '../keys/product-scope.js';

export interface RotatedWebhookUrl extends WebhookUrl {
  /** When the old URL stops working (null: it already has, or there was none). */
  previousUrlExpiresAt: Date | null;
  graceSeconds: number;
}

/**
 * Replaces the connection's webhook trigger URL and reveals the new one. The old URL keeps working for
 * `graceSeconds` (default a day; 0 refuses it at once); rotating again ends the grace of the URL before it.
 * Audit-logged in the same transaction, with who, from where and the grace given — never the token.
 */
export async function rotateWebhookUrl(
  deps: Pick<ServiceDeps, 'db' | 'vault' | 'config'>,
  input: { workspaceId: string; products: ProductScope; actorKeyId: string; ip: string; connectionId: string; graceSeconds?: number | undefined },
): Promise<RotatedWebhookUrl> {
  const { db, vault } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  const graceSeconds = input.graceSeconds ?? defaultWebhookGraceSeconds;
  const { token, columns } = mintWebhookToken(vault, connection.id);
  const rotated = await db.transaction(async (tx) => {
    const row = await rotateWebhookToken(tx, input.workspaceId, connection.id, {
      hash: columns.webhookTokenHash,
      ciphertext: columns.webhookToken,
      graceSeconds,
    });
    if (!row) throw new AppError('connection_not_found', `No connection "${connection.id}".`);
    await insertAuditLog(tx, {
      workspaceId: input.workspaceId,
      actorKeyId: input.actorKeyId,
      action: 'connection.webhook_url.rotate',
      targetType: 'connection',
      targetId: connection.id,
      // Never a token, nor a prefix of one: who (actor key), when (the row's time), and the grace given.
      data: {
        ip: input.ip,
        grace_period_seconds: graceSeconds,
        previous_url_expires_at: row.previousWebhookTokenExpiresAt?.toISOString() ?? null,
        // A previous URL still in its grace period when this rotation came: it stopped working now.
        ended_earlier_grace: connection.previousWebhookTokenExpiresAt !== null && connection.previousWebhookTokenExpiresAt > new Date(),
      },
    });
    return row;
  });
  return { ...webhookUrl(deps.config.publicUrl, token), previousUrlExpiresAt: rotated.previousWebhookTokenExpiresAt, graceSeconds };
}
