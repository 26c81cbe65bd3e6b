import { SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';
import { RequestIds } from './world.js';

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

/** AADSTS codes for the errors the sandbox's token endpoint can meet, with the identity platform's wording. */
function aadsts(error: string, description: string, clientId: string): { code: number; message: string } {
  if (error === 'invalid_client') {
    return { code: 7000215, message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.` };
  }
  if (error === 'unsupported_grant_type') return { code: 70003, message: 'The app requested an unsupported grant type.' };
  if (error === 'invalid_grant' && /pkce/i.test(description)) return { code: 501481, message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.' };
  if (error === 'invalid_grant' && /redirect_uri/i.test(description)) {
    return { code: 50011, message: 'The redirect URI specified in the request does not match the redirect URIs configured for the application.' };
  }
  if (error === 'invalid_grant' && /refresh token/i.test(description)) {
    return { code: 70008, message: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.' };
  }
  if (error === 'invalid_grant') return { code: 54005, message: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.' };
  return { code: 900144, message: `The request body is not valid: ${description}.` };
}

/** The identity platform's token error: `{ error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri }`. */
function tokenErrorResponse(error: string, description: string, status: number, clientId: string, ids: RequestIds): SandboxResponse {
  const { code, message } = aadsts(error, description, clientId);
  const traceId = ids.next();
  const correlationId = ids.next();
  const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return {
    status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': traceId },
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
