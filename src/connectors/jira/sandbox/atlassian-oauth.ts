import { SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';

/**
 * Atlassian's authorization server (auth.atlassian.com) on the sandbox: the shared OAuth server plus Atlassian's
 * rules. The authorize URL must carry `audience=api.atlassian.com`; the token endpoint takes the JSON body Atlassian
 * documents (form bodies work too); refresh tokens rotate and come only with the `offline_access` scope; a spent or
 * unknown refresh token is a 403 `invalid_grant` "Unknown or invalid refresh token.", as Atlassian's FAQ shows.
 */
export const JIRA_SANDBOX_CLIENT_ID = 'jira-sandbox-client';
export const JIRA_SANDBOX_CLIENT_SECRET = 'jira-sandbox-client-secret-0000000000';

export const oauthPaths = { authorize: '/authorize', token: '/oauth/token' } as const;

export class AtlassianOAuth extends SandboxOAuth {
  constructor(options: { clientId: string; clientSecret: string }) {
    super({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      paths: oauthPaths,
      accessTokenTtlSeconds: 3600,
      tokenPrefix: 'eyJhbGciOiJSUzI1NiJ9.sandbox.',
      refreshTokenPrefix: 'eyJraWQiOiJyZWZyZXNoIn0.sandbox.',
      rotateRefreshTokens: true,
      acceptJsonBody: true,
      tokenResponse: (standard) => {
        // Atlassian issues a refresh token only to apps that asked for offline access.
        const offline = standard.scope.split(/\s+/).includes('offline_access');
        const { refresh_token: refresh, ...rest } = standard;
        return offline && refresh ? { ...rest, refresh_token: refresh } : rest;
      },
      tokenError: (error, description, status) => {
        if (error === 'invalid_grant') {
          const text = /refresh/.test(description) ? 'Unknown or invalid refresh token.' : 'Invalid authorization code';
          return { status: 403, body: { error: 'invalid_grant', error_description: text } };
        }
        if (error === 'invalid_client') return { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
        return { status, body: { error, error_description: description } };
      },
    });
  }

  override handle(req: SandboxRequest): SandboxResponse | null {
    if (req.url.pathname === oauthPaths.authorize && req.method === 'GET' && req.url.searchParams.get('audience') !== 'api.atlassian.com') {
      return {
        status: 400,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!doctype html><title>Something went wrong</title><p>The audience parameter is missing or invalid: it must be api.atlassian.com.</p>',
      };
    }
    return super.handle(req);
  }
}
