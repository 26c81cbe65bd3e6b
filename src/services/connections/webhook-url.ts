/** A connection's webhook trigger URL, with the token it carries (the token is the credential: never log it). */
export interface WebhookUrl {
  url: string;
  token: string;
}

/** POST to this URL triggers a sync of the token's connection (see the webhook trigger route). */
export function webhookUrl(publicUrl: string, token: string): WebhookUrl {
  return { url: `${publicUrl}/api/v1/webhooks/${token}`, token };
}
