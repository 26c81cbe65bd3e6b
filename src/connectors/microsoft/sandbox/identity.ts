import { SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';
import { RequestIds, tokenErrorResponse } from './responses.js';

/**
 * The Microsoft identity platform's v2.0 endpoints on the sandbox: `/{tenant}/oauth2/v2.0/authorize` and
 * `/{tenant}/oauth2/v2.0/token` for any tenant segment (`common`, `organizations`, a domain or a GUID), with
 * PKCE, rotating refresh tokens, one-hour JWT-shaped access tokens, `ext_expires_in` in the token response,
 * and AADSTS error bodies. The identity platform has no RFC 7009 revocation endpoint, so none is served.
 */

export const DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID = '5f1c0ffe-7a1b-4e0d-9c3a-000000000001';
export const DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET = 'sbx~microsoft.client-secret_0000000000000000';

/** What Microsoft's access tokens look like: a JWT (header, claims, signature). */
export const accessTokenPrefix = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiJzYW5kYm94In0.';
/** Microsoft refresh tokens are opaque and start with a version marker. */
const refreshTokenPrefix = '0.AVYA';

const tenantPath = /^\/([A-Za-z0-9][A-Za-z0-9.-]*)\/oauth2\/v2\.0\/(authorize|token)$/;

export class IdentityPlatform extends SandboxOAuth {
  constructor(clientId: string, clientSecret: string, seed: number) {
    const ids = new RequestIds(seed ^ 0x1d);
    super({
      clientId,
      clientSecret,
      paths: { authorize: '/common/oauth2/v2.0/authorize', token: '/common/oauth2/v2.0/token' },
      accessTokenTtlSeconds: 3600,
      tokenPrefix: accessTokenPrefix,
      refreshTokenPrefix,
      rotateRefreshTokens: true,
      tokenResponse: (standard) => ({
        token_type: 'Bearer',
        scope: standard.scope,
        expires_in: standard.expires_in,
        ext_expires_in: standard.expires_in,
        access_token: standard.access_token,
        ...(standard.refresh_token ? { refresh_token: standard.refresh_token } : {}),
      }),
      tokenError: (error, description, status) => tokenErrorResponse(error, description, status, clientId, ids),
    });
  }

  /** Any tenant segment reaches the same simulated directory. */
  override handle(req: SandboxRequest): SandboxResponse | null {
    const match = tenantPath.exec(req.url.pathname);
    if (!match) return null;
    const url = new URL(req.url);
    url.pathname = `/common/oauth2/v2.0/${match[2]}`;
    return super.handle({ ...req, url });
  }
}
