import { SandboxOAuth, type SandboxResponse } from '../../kit/sandbox/index.js';

/** The sandbox's OAuth app; `tributary sandbox github` prints them. */
export const GITHUB_SANDBOX_CLIENT_ID = 'Iv1.sandbox0000000001';
export const GITHUB_SANDBOX_CLIENT_SECRET = 'sandbox_github_client_secret_0000000000000000';

/**
 * GitHub's OAuth app endpoints (github.com/login/oauth/*), served by the sandbox on its own host. OAuth app
 * tokens (`gho_…`) do not expire and come without a refresh token. GitHub answers token errors with HTTP 200
 * and `{ error, error_description, error_uri }` (docs: "Troubleshooting OAuth app access token request errors").
 */
export function githubOAuth(clientId = GITHUB_SANDBOX_CLIENT_ID, clientSecret = GITHUB_SANDBOX_CLIENT_SECRET): SandboxOAuth {
  return new SandboxOAuth({
    clientId,
    clientSecret,
    paths: { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
    accessTokenTtlSeconds: 0,
    tokenPrefix: 'gho_',
    tokenError: (error, description): SandboxResponse => {
      const code = error === 'invalid_client' ? 'incorrect_client_credentials' : error === 'invalid_grant' ? 'bad_verification_code' : error;
      return {
        status: 200,
        body: {
          error: code,
          error_description: description,
          error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
        },
      };
    },
  });
}
