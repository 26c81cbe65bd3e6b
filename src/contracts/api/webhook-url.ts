import { z } from 'zod';

/** How long a replaced webhook URL keeps working when nothing is said: a day, time to update a sender. */
export const defaultWebhookGraceSeconds = 24 * 60 * 60;
/** A week at most: a leaked URL must not stay usable for long after its rotation. */
export const maxWebhookGraceSeconds = 7 * 24 * 60 * 60;

export const WebhookUrlResponseSchema = z.object({ webhook_url: z.string(), token_prefix: z.string(), curl_example: z.string() });

export const RotateWebhookUrlBodySchema = z
  .object({
    /** How long the old URL keeps triggering syncs; 0 refuses it at once. */
    grace_period_seconds: z.number().int().min(0).max(maxWebhookGraceSeconds).default(defaultWebhookGraceSeconds),
  })
  // A bare `curl -X POST` (no body at all) is a rotation with the default grace.
  .nullish();

export const RotateWebhookUrlResponseSchema = WebhookUrlResponseSchema.extend({
  /** When the old URL stops working (null: it already has, or there was none). */
  previous_url_expires_at: z.string().nullable(),
  grace_period_seconds: z.number(),
});
