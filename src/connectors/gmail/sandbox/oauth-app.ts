import { SandboxOAuth } from '../../kit/sandbox/index.js';

/** The sandbox's OAuth client; `tributary sandbox gmail` prints them. Shaped like Google's client ids. */
export const DEFAULT_GMAIL_SANDBOX_CLIENT_ID = '000000000000-sandbox0tributary.apps.googleusercontent.com';
export const DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET = '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000';

/**
 * Google's OAuth 2.0 endpoints for web-server apps, on the sandbox's own host: `/o/oauth2/v2/auth`
 * (accounts.google.com), `/token` and `/revoke` (oauth2.googleapis.com). Access tokens (`ya29.…`) live an hour
 * (`expires_in: 3599`, as Google answers); refresh tokens (`1//…`) do not rotate, and a refresh answer carries
 * no new refresh token.
 */
export function gmailOAuth(clientId = DEFAULT_GMAIL_SANDBOX_CLIENT_ID, clientSecret = DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET): SandboxOAuth {
  return new SandboxOAuth({
    clientId,
    clientSecret,
    paths: { authorize: '/o/oauth2/v2/auth', token: '/token', revoke: '/revoke' },
    accessTokenTtlSeconds: 3600,
    tokenPrefix: 'ya29.',
    refreshTokenPrefix: '1//',
    tokenResponse: (standard, grant) => {
      const { refresh_token: refreshToken, ...rest } = standard;
      return { ...rest, expires_in: 3599, ...(grant === 'authorization_code' && refreshToken ? { refresh_token: refreshToken } : {}) };
    },
  });
}
