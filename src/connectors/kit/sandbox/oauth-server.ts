import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { basicOf, formOf, jsonOf } from './request-body.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-http.js';

/**
 * A provider's authorization server, as far as a sandbox needs one: the authorization code grant with PKCE,
 * refresh tokens (optionally rotating), revocation, and access tokens that expire. Consent is automatic — a
 * sandbox has no user to ask — so `GET authorize` answers with the redirect a real provider sends after the
 * user clicks "Allow". Hand-written because an OAuth server library (oidc-provider) brings OpenID Connect,
 * sessions and interaction pages, where each vendor's quirks (Slack's `{ ok }` bodies, Intuit's `realmId` on the
 * redirect, Atlassian's JSON token requests) are one option here.
 */

/**
 * The RFC 6749 token response the sandbox issues, handed to `tokenResponse` for a vendor that reshapes it.
 *
 * @example
 * ```ts
 * tokenResponse: (standard: StandardTokenResponse) => ({ ok: true, token_type: 'bot', ...standard }),
 * ```
 */
export interface StandardTokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope: string;
}

/**
 * Which grant a token response answers: the code exchange or a refresh.
 *
 * @example
 * ```ts
 * tokenResponse: (standard, grant: OAuthGrant) => (grant === 'refresh_token' ? { ...standard, refreshed: true } : { ...standard }),
 * ```
 */
export type OAuthGrant = 'authorization_code' | 'refresh_token';

/**
 * A sandbox OAuth app and its vendor's quirks: client credentials, the vendor's paths, token lifetime and
 * prefixes, refresh-token rotation, and hooks for the vendor's success and error bodies.
 *
 * @example
 * ```ts
 * const options: SandboxOAuthOptions = {
 *   clientId,
 *   clientSecret,
 *   paths: { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
 *   accessTokenTtlSeconds: 0,
 *   tokenPrefix: 'gho_',
 * };
 * ```
 */
export interface SandboxOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The vendor's paths on the sandbox. */
  paths: { authorize: string; token: string; revoke?: string };
  /** Default 3600. 0: access tokens never expire and no refresh token is issued (Slack without rotation, GitHub apps). */
  accessTokenTtlSeconds?: number;
  tokenPrefix?: string;
  refreshTokenPrefix?: string;
  /** Each refresh returns a new refresh token and retires the old one (Intuit, Microsoft, Atlassian). */
  rotateRefreshTokens?: boolean;
  /** The token endpoint also reads JSON bodies (Atlassian documents JSON). */
  acceptJsonBody?: boolean;
  /** The vendor's success body (Slack wraps it in `{ ok: true, … }` with team and bot details). */
  tokenResponse?: (standard: StandardTokenResponse, grant: OAuthGrant) => Record<string, unknown>;
  /** The vendor's token error (default RFC 6749 §5.2: JSON `{ error, error_description }`, 400 or 401). */
  tokenError?: (error: string, description: string, status: number) => SandboxResponse;
  /** Extra parameters on the redirect back to the client (Intuit's `realmId`). */
  redirectParams?: () => Record<string, string>;
  scopeSeparator?: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge: string | null;
  expiresAt: number;
}

interface Grant {
  id: number;
  scope: string;
  refreshToken: string | null;
}

interface AccessToken {
  grantId: number;
  /** ms since the epoch; Infinity when it never expires */
  expiresAt: number;
}

const codeLifetimeMs = 10 * 60_000;

/**
 * The sandbox's authorization server (see the header above). Pass it as the provider's `oauth` so the server
 * answers its paths first; check API calls with `accepts`, and accept the sandbox's printed token with
 * `addStaticToken`. Subclass it for a vendor whose endpoints differ (Slack's `auth.revoke`).
 *
 * @example
 * ```ts
 * const oauth = new SandboxOAuth({ clientId, clientSecret, paths: { authorize: '/authorize', token: '/oauth/token' } });
 * oauth.addStaticToken(token);
 * // in handle(req):
 * if (!oauth.accepts(bearerOf(req))) return { status: 401, body: { message: 'Unauthorized' } };
 * ```
 */
export class SandboxOAuth {
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private nextGrantId = 1;
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly staticTokens = new Set<string>();
  readonly counts = { authorize: 0, authorization_code: 0, refresh_token: 0, revoke: 0 };

  constructor(private readonly options: SandboxOAuthOptions) {}

  get clientId(): string {
    return this.options.clientId;
  }

  get clientSecret(): string {
    return this.options.clientSecret;
  }

  /** Absolute endpoint URLs on a sandbox at `origin`, as `SandboxHandle.oauth` lists them. */
  endpoints(origin: string): { client_id: string; client_secret: string; authorization_url: string; token_url: string; revocation_url?: string } {
    const { paths } = this.options;
    return {
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      authorization_url: `${origin}${paths.authorize}`,
      token_url: `${origin}${paths.token}`,
      ...(paths.revoke ? { revocation_url: `${origin}${paths.revoke}` } : {}),
    };
  }

  addStaticToken(token: string): void {
    this.staticTokens.add(token);
  }

  /** An issued access token that has neither expired nor been revoked, or a static one. */
  accepts(token: string | null | undefined): boolean {
    if (!token) return false;
    if (this.staticTokens.has(token)) return true;
    const found = this.accessTokens.get(token);
    return found !== undefined && found.expiresAt > Date.now();
  }

  /** Ends every issued access token now (refresh tokens stay good): the next call needs a refresh. */
  expireAccessTokens(): number {
    let expired = 0;
    for (const token of this.accessTokens.values()) {
      token.expiresAt = 0;
      expired++;
    }
    return expired;
  }

  /** Answers the authorization server's own paths; null for every other request. */
  handle(req: SandboxRequest): SandboxResponse | null {
    const { paths } = this.options;
    const path = req.url.pathname;
    if (path === paths.authorize && req.method === 'GET') return this.authorize(req);
    if (path === paths.token && req.method === 'POST') return this.token(req);
    if (paths.revoke && path === paths.revoke && (req.method === 'POST' || req.method === 'GET')) return this.revoke(req);
    return null;
  }

  private authorize(req: SandboxRequest): SandboxResponse {
    this.counts.authorize++;
    const q = req.url.searchParams;
    // A bad client or redirect URI is shown to the user, never redirected (RFC 6749 §4.1.2.1).
    if (q.get('client_id') !== this.options.clientId) return page(400, 'invalid_client: unknown client_id');
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return page(400, 'invalid_request: redirect_uri is missing or not absolute');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string, description: string): SandboxResponse => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      return { status: 302, headers: { location: back.href } };
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const challenge = q.get('code_challenge');
    if (challenge !== null && (q.get('code_challenge_method') ?? 'plain') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const code = `sbx_code_${randomBytes(16).toString('hex')}`;
    this.codes.set(code, { clientId: this.options.clientId, redirectUri, scope: q.get('scope') ?? '', challenge, expiresAt: Date.now() + codeLifetimeMs });
    back.searchParams.set('code', code);
    for (const [key, value] of Object.entries(this.options.redirectParams?.() ?? {})) back.searchParams.set(key, value);
    return { status: 302, headers: { location: back.href } };
  }

  private token(req: SandboxRequest): SandboxResponse {
    const isJson = String(req.headers['content-type'] ?? '').includes('json');
    if (isJson && !this.options.acceptJsonBody) return this.error('invalid_request', 'the token request must be form-encoded', 400);
    const params = isJson ? new URLSearchParams(stringValues(jsonOf(req))) : formOf(req);
    const basic = basicOf(req);
    const clientId = basic?.username ?? params.get('client_id');
    const clientSecret = basic?.password ?? params.get('client_secret');
    if (clientId !== this.options.clientId || !sameText(clientSecret ?? '', this.options.clientSecret)) {
      return this.error('invalid_client', 'client authentication failed', 401);
    }
    const grant = params.get('grant_type');
    if (grant === 'authorization_code') return this.exchangeCode(params);
    if (grant === 'refresh_token') return this.refresh(params);
    return this.error('unsupported_grant_type', `grant_type ${grant ?? '(none)'} is not supported`, 400);
  }

  private exchangeCode(params: URLSearchParams): SandboxResponse {
    const code = params.get('code') ?? '';
    const pending = this.codes.get(code);
    // A code is good once: a second use fails like an unknown one.
    this.codes.delete(code);
    if (!pending || pending.expiresAt < Date.now()) return this.error('invalid_grant', 'the authorization code is invalid, expired or already used', 400);
    if (params.get('redirect_uri') !== pending.redirectUri) return this.error('invalid_grant', 'redirect_uri does not match the authorization request', 400);
    if (pending.challenge !== null) {
      const verifier = params.get('code_verifier') ?? '';
      const expected = createHash('sha256').update(verifier).digest('base64url');
      if (!sameText(expected, pending.challenge)) return this.error('invalid_grant', 'PKCE verification failed', 400);
    }
    this.counts.authorization_code++;
    return this.issue({ id: this.nextGrantId++, scope: pending.scope, refreshToken: null }, 'authorization_code');
  }

  private refresh(params: URLSearchParams): SandboxResponse {
    const presented = params.get('refresh_token') ?? '';
    const grant = this.refreshTokens.get(presented);
    if (!grant) return this.error('invalid_grant', 'the refresh token is invalid, expired or revoked', 400);
    this.counts.refresh_token++;
    if (this.options.rotateRefreshTokens) {
      this.refreshTokens.delete(presented);
      return this.issue({ ...grant, refreshToken: null }, 'refresh_token');
    }
    return this.issue(grant, 'refresh_token');
  }

  private issue(grant: Grant, kind: OAuthGrant): SandboxResponse {
    const ttl = this.options.accessTokenTtlSeconds ?? 3600;
    const accessToken = `${this.options.tokenPrefix ?? 'sbx_at_'}${randomBytes(24).toString('hex')}`;
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: ttl === 0 ? Number.POSITIVE_INFINITY : Date.now() + ttl * 1000 });
    let refreshToken = grant.refreshToken;
    if (ttl !== 0 && refreshToken === null) {
      refreshToken = `${this.options.refreshTokenPrefix ?? 'sbx_rt_'}${randomBytes(24).toString('hex')}`;
      this.refreshTokens.set(refreshToken, { ...grant, refreshToken });
    }
    const standard: StandardTokenResponse = {
      access_token: accessToken,
      token_type: 'Bearer',
      ...(ttl === 0 ? {} : { expires_in: ttl }),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: grant.scope,
    };
    const body = this.options.tokenResponse ? this.options.tokenResponse(standard, kind) : standard;
    return { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body };
  }

  /** RFC 7009: revoking an unknown token is not an error. */
  private revoke(req: SandboxRequest): SandboxResponse {
    this.counts.revoke++;
    const token = formOf(req).get('token') ?? req.url.searchParams.get('token') ?? '';
    const grantId = this.refreshTokens.get(token)?.id ?? this.accessTokens.get(token)?.grantId;
    if (grantId === undefined) return { status: 200, body: {} };
    // Revoking either token of a grant ends the whole grant, as Google and Intuit document.
    for (const [refresh, grant] of this.refreshTokens) if (grant.id === grantId) this.refreshTokens.delete(refresh);
    for (const access of this.accessTokens.values()) if (access.grantId === grantId) access.expiresAt = 0;
    return { status: 200, body: {} };
  }

  private error(error: string, description: string, status: number): SandboxResponse {
    if (this.options.tokenError) return this.options.tokenError(error, description, status);
    return {
      status,
      headers: { 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Basic realm="sandbox"' } : {}) },
      body: { error, error_description: description },
    };
  }
}

function page(status: number, message: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>Authorization error</title><p>${message}</p>` };
}

function stringValues(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The connection config keys that send a connection's OAuth flow to a sandbox instead of the vendor.
 *
 * @example
 * ```ts
 * connectConfig: { base_url: server.url, ...oauthOverrides(api.oauth.endpoints(server.url)) },
 * ```
 */
export function oauthOverrides(endpoints: { authorization_url: string; token_url: string; revocation_url?: string }): Record<string, string> {
  return {
    authorization_url: endpoints.authorization_url,
    token_url: endpoints.token_url,
    ...(endpoints.revocation_url ? { revocation_url: endpoints.revocation_url } : {}),
  };
}
