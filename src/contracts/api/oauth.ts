import { z } from 'zod';
import { ConnectionSchema } from './connections.js';

/** POST /oauth/:connector/authorize: start (or restart, with `connection_id`) an authorization. */
export const AuthorizeBodySchema = z.object({
  name: z.string().min(1).max(200).optional(),
  /** The user's own OAuth app (the reference's byo_oauth); without them the operator's app is used. */
  client_id: z.string().min(1).max(500).optional(),
  client_secret: z.string().min(1).max(2000).optional(),
  /** Reconnect this connection instead of creating one. */
  connection_id: z.string().min(1).optional(),
  /** Where the browser lands after the callback; must match TRIBUTARY_OAUTH_RETURN_URLS or the public URL. */
  return_url: z.string().url().max(2000).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  product: z.string().min(1).max(100).optional(),
  company_id: z.string().min(1).max(100).optional(),
});
export type AuthorizeBody = z.infer<typeof AuthorizeBodySchema>;

export const AuthorizeResponseSchema = z.object({
  authorize_url: z.string(),
  connection_id: z.string(),
  /** The redirect URI sent to the provider: register it with the provider's app. */
  redirect_uri: z.string(),
  expires_at: z.string(),
});

/** GET /oauth/callback: what the provider appends to the redirect URI. */
export const CallbackQuerySchema = z.object({
  state: z.string().max(2000).optional(),
  code: z.string().max(4000).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
})
  // Providers add their own parameters (Intuit's `realmId`); the connector's afterAuthorization may need them.
  .catchall(z.string().max(2000));

/** POST /oauth/exchange: a code pasted by hand; `state` may be omitted (the connection's pending one is used). */
export const ExchangeBodySchema = z.object({
  connection_id: z.string().min(1),
  code: z.string().min(1).max(4000),
  state: z.string().min(1).max(2000).optional(),
});

/** Disconnect: the connection, and whether the provider revoked its token (best effort, never blocking). */
export const DisconnectResponseSchema = ConnectionSchema.extend({
  revocation: z.object({
    /** revoked (the provider confirmed), not_needed, not_attempted (nothing sent, and why), refused, unreachable. */
    outcome: z.enum(['revoked', 'not_needed', 'not_attempted', 'refused', 'unreachable']),
    attempted: z.boolean(),
    ok: z.boolean(),
    message: z.string(),
  }),
});
