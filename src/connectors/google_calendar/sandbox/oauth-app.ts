import { SandboxOAuth } from '../../kit/sandbox/index.js';

/** The sandbox's OAuth client, shaped like a Google Cloud "Web application" client. */
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID = '123456789012-sandbox0tributary0calendar.apps.googleusercontent.com';
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET = 'GOCSPX-sandbox_tributary_calendar';

/** Google's OAuth 2.0 endpoints (`/o/oauth2/v2/auth`, `/token`, `/revoke`), with its token shapes. */
export function googleOAuth(clientId: string, clientSecret: string): SandboxOAuth {
  return new SandboxOAuth({
    clientId,
    clientSecret,
    paths: { authorize: '/o/oauth2/v2/auth', token: '/token', revoke: '/revoke' },
    accessTokenTtlSeconds: 3599,
    tokenPrefix: 'ya29.',
    refreshTokenPrefix: '1//',
    // Google sends the refresh token with the code exchange only; a refresh answers without one.
    tokenResponse: (standard, grant) => {
      const { refresh_token: refreshToken, ...rest } = standard;
      return grant === 'refresh_token' || refreshToken === undefined ? rest : { ...rest, refresh_token: refreshToken };
    },
  });
}
