import { bearerOf, formOf, SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';
import { grantedScopes } from './responses.js';
import type { SlackWorld } from './world.js';

/** The sandbox's Slack app; `tributary sandbox slack` prints them. */
export const SLACK_SANDBOX_CLIENT_ID = '1000000000001.2000000000002';
export const SLACK_SANDBOX_CLIENT_SECRET = 'sandbox0slack0client0secret0000a';

export const slackOAuthPaths = { authorize: '/oauth/v2/authorize', token: '/api/oauth.v2.access', revoke: '/api/auth.revoke' };

/** RFC 6749 error codes, as `oauth.v2.access` names them. */
function slackTokenError(error: string, description: string): string {
  if (error === 'invalid_client') return 'invalid_client_id';
  if (error === 'unsupported_grant_type') return 'invalid_grant_type';
  if (error === 'invalid_request') return 'invalid_arguments';
  if (description.includes('redirect_uri')) return 'bad_redirect_uri';
  if (description.includes('PKCE')) return 'invalid_code_verifier';
  if (description.includes('refresh token')) return 'invalid_refresh_token';
  return 'invalid_code';
}

export interface SlackOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  /** Token rotation on: 12-hour `xoxe.xoxb-` tokens with `xoxe-1-` refresh tokens. Off (default): bot tokens never expire. */
  tokenRotation?: boolean;
}

/**
 * Slack's OAuth v2 (`/oauth/v2/authorize`, `oauth.v2.access`) and `auth.revoke`, served by the sandbox.
 * `oauth.v2.access` answers `{ ok: true, access_token: "xoxb-…", token_type: "bot", scope, bot_user_id, app_id,
 * team, enterprise, authed_user }`, and its errors are HTTP 200 `{ ok: false, error: "invalid_code" }`.
 * `auth.revoke` revokes the token it is given (the `token` argument or the bearer header): `{ ok, revoked }`.
 */
export class SlackSandboxOAuth extends SandboxOAuth {
  private readonly revoked = new Set<string>();

  constructor(world: SlackWorld, options: SlackOAuthOptions = {}) {
    const rotation = options.tokenRotation === true;
    super({
      clientId: options.clientId ?? SLACK_SANDBOX_CLIENT_ID,
      clientSecret: options.clientSecret ?? SLACK_SANDBOX_CLIENT_SECRET,
      paths: slackOAuthPaths,
      accessTokenTtlSeconds: rotation ? 43_200 : 0,
      tokenPrefix: rotation ? 'xoxe.xoxb-1-' : 'xoxb-1000000000001-2000000000003-',
      refreshTokenPrefix: 'xoxe-1-',
      scopeSeparator: ',',
      tokenResponse: (standard) => ({
        ok: true,
        app_id: world.appId,
        authed_user: { id: world.users[0]!['id'] },
        scope: standard.scope === '' ? grantedScopes : standard.scope,
        token_type: 'bot',
        access_token: standard.access_token,
        bot_user_id: world.botUserId,
        ...(standard.expires_in === undefined ? {} : { expires_in: standard.expires_in }),
        ...(standard.refresh_token === undefined ? {} : { refresh_token: standard.refresh_token }),
        team: { id: world.teamId, name: world.teamName },
        enterprise: null,
        is_enterprise_install: false,
      }),
      tokenError: (error, description): SandboxResponse => ({
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: { ok: false, error: slackTokenError(error, description) },
      }),
    });
  }

  override accepts(token: string | null | undefined): boolean {
    return !!token && !this.revoked.has(token) && super.accepts(token);
  }

  override handle(req: SandboxRequest): SandboxResponse | null {
    if (req.url.pathname !== slackOAuthPaths.revoke) return super.handle(req);
    const form = req.method === 'POST' ? formOf(req) : new URLSearchParams();
    const token = form.get('token') ?? req.url.searchParams.get('token') ?? bearerOf(req);
    const json = (body: Record<string, unknown>): SandboxResponse => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    if (!token) return json({ ok: false, error: 'not_authed' });
    if (!this.accepts(token)) return json({ ok: false, error: 'invalid_auth' });
    const test = form.get('test') ?? req.url.searchParams.get('test');
    if (test === '1' || test === 'true') return json({ ok: true, revoked: false });
    // The kit's revocation ends the whole grant; static tokens (the printed one) are retired here.
    super.handle(req);
    this.revoked.add(token);
    return json({ ok: true, revoked: true });
  }
}
