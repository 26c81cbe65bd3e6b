import { hashToken } from '../../core/api-key-hash.js';
import { newSecretToken } from '../../core/ids.js';
import { webhookTokenBoundTo } from '../../core/vault-columns.js';
import type { Vault } from '../../core/vault.js';

/** A connection's webhook trigger URL, with the token it carries (the token is the credential: never log it). */
export interface WebhookUrl {
  url: string;
  token: string;
}

/** POST to this URL triggers a sync of the token's connection (see the webhook trigger route). */
export function webhookUrl(publicUrl: string, token: string): WebhookUrl {
  return { url: `${publicUrl}/api/v1/webhooks/${token}`, token };
}

/**
 * A fresh trigger token for a connection, in the two forms the row keeps: the hash the trigger route looks tokens
 * up by, and the vault ciphertext an admin's reveal decrypts. The token itself is returned for the caller's reply.
 */
export function mintWebhookToken(vault: Vault, connectionId: string): { token: string; columns: { webhookTokenHash: string; webhookToken: string } } {
  const token = newSecretToken('whk');
  return { token, columns: { webhookTokenHash: hashToken(token), webhookToken: vault.encrypt(token, webhookTokenBoundTo(connectionId)) } };
}
