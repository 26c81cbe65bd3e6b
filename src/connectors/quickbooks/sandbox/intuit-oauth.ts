import { jsonOf, SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';

/**
 * Intuit's authorization server: `GET /connect/oauth2` (appcenter.intuit.com) redirects back with `code`,
 * `state` and the company's `realmId`; `POST /oauth2/v1/tokens/bearer` (oauth.platform.intuit.com) takes the
 * client in HTTP Basic and answers `{ token_type: "bearer", access_token, expires_in: 3600, refresh_token,
 * x_refresh_token_expires_in }` — no `scope` — and every refresh returns a new refresh token;
 * `POST /v2/oauth2/tokens/revoke` (developer.api.intuit.com) takes a JSON body `{ "token": … }`.
 */
export const intuitOAuthPaths = { authorize: '/connect/oauth2', token: '/oauth2/v1/tokens/bearer', revoke: '/v2/oauth2/tokens/revoke' };

/** A refresh token lives 100 days at Intuit (`x_refresh_token_expires_in`, in seconds). */
const refreshTokenLifetime = 8_726_400;

export class IntuitOAuth extends SandboxOAuth {
  constructor(clientId: string, clientSecret: string, realmId: string) {
    super({
      clientId,
      clientSecret,
      paths: intuitOAuthPaths,
      accessTokenTtlSeconds: 3600,
      // Intuit's access tokens are JWE compact serialisations; refresh tokens start with AB11.
      tokenPrefix: 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..sbx',
      refreshTokenPrefix: 'AB11',
      rotateRefreshTokens: true,
      tokenResponse: (standard) => ({
        token_type: 'bearer',
        access_token: standard.access_token,
        expires_in: standard.expires_in,
        refresh_token: standard.refresh_token,
        x_refresh_token_expires_in: refreshTokenLifetime,
      }),
      redirectParams: () => ({ realmId }),
    });
  }

  /** Intuit documents a JSON revoke body; a form body (RFC 7009) is read as well. */
  override handle(req: SandboxRequest): SandboxResponse | null {
    if (req.url.pathname === intuitOAuthPaths.revoke && String(req.headers['content-type'] ?? '').includes('json')) {
      const body = jsonOf(req);
      const token = body && typeof body === 'object' && typeof (body as Record<string, unknown>)['token'] === 'string' ? (body as Record<string, string>)['token']! : '';
      const answer = super.handle({ ...req, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
      // Intuit answers a revoke with 200 and an empty body.
      return answer && answer.status === 200 ? { status: 200 } : answer;
    }
    return super.handle(req);
  }
}
