import { SandboxOAuth } from '../../kit/sandbox/index.js';

/** The sandbox's OAuth app; `tributary sandbox deel` prints them. */
export const DEEL_SANDBOX_CLIENT_ID = 'deel-sandbox-client-00000000-0000-4000-8000-000000000001';
export const DEEL_SANDBOX_CLIENT_SECRET = 'deel_sandbox_client_secret_000000000000000000000000';

/** 30 days, as Deel documents (`expires_in: 2592000`). */
const accessTokenTtlSeconds = 2_592_000;

/**
 * Deel's OAuth endpoints (app.deel.com/oauth2/authorize and /oauth2/tokens), served by the sandbox on its own
 * host. The token endpoint authenticates the client with HTTP Basic and takes form-encoded bodies; refresh
 * tokens are single-use (each refresh answers with a new one and retires the old). Deel's token response is the
 * standard one: `{ access_token, expires_in, refresh_token, token_type: "Bearer", scope }`.
 */
export function deelOAuth(clientId = DEEL_SANDBOX_CLIENT_ID, clientSecret = DEEL_SANDBOX_CLIENT_SECRET): SandboxOAuth {
  return new SandboxOAuth({
    clientId,
    clientSecret,
    paths: { authorize: '/oauth2/authorize', token: '/oauth2/tokens' },
    accessTokenTtlSeconds,
    rotateRefreshTokens: true,
  });
}
