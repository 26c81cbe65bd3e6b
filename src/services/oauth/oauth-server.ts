import type * as oauth from 'oauth4webapi';
import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import { resolveTemplate, templateConfig } from '../../http-client/index.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';

/** The authorization server of one connection, and how to ask it for authorization. */
export interface OAuthServer {
  as: oauth.AuthorizationServer;
  /** False when endpoints come from the connection's config or the manifest names no issuer: `iss` is unverifiable. */
  issuerKnown: boolean;
  /** The connection's config overrides an endpoint: only the connection's own OAuth app may be sent there. */
  overridden: boolean;
  scopes: string[];
  scopeSeparator: string;
  authorizeParams: Record<string, string>;
  pkce: boolean;
  tokenAuth: 'client_secret_basic' | 'client_secret_post';
  /** Token types accepted besides bearer and DPoP (Slack's `bot`). */
  tokenTypes: string[];
  /** RFC 8707 resource indicator (MCP servers), sent with the authorization and token requests. */
  resource?: string;
}

const overrideKeys = { authorization_url: 'authorization_endpoint', token_url: 'token_endpoint', revocation_url: 'revocation_endpoint' } as const;

/**
 * An mcp_oauth connection uses what discovery found (stored with its secrets); any other connector its
 * manifest's oauth block, whose URLs may use `{{config.x}}` (a tenant's domain) and which the connection's
 * config may override (`authorization_url`, `token_url`, `revocation_url`: enterprise instances, sandboxes).
 */
export function oauthServerFor(manifest: Manifest, config: Record<string, unknown>, secrets: ConnectionSecrets): OAuthServer {
  const found = secrets.oauth_server;
  if (found) {
    return {
      as: {
        issuer: found.issuer,
        authorization_endpoint: found.authorization_endpoint,
        token_endpoint: found.token_endpoint,
        ...(found.revocation_endpoint ? { revocation_endpoint: found.revocation_endpoint } : {}),
        ...(found.iss_parameter_supported ? { authorization_response_iss_parameter_supported: true } : {}),
      },
      issuerKnown: true,
      overridden: false,
      scopes: found.scopes,
      scopeSeparator: ' ',
      // OpenID Connect grants offline_access (a refresh token) only with explicit consent.
      authorizeParams: found.scopes.includes('offline_access') ? { prompt: 'consent' } : {},
      pkce: true,
      tokenAuth: 'client_secret_basic',
      tokenTypes: [],
      resource: found.resource,
    };
  }
  const block = manifest.oauth;
  if (!block) throw new AppError('oauth_not_configured', `Connector "${manifest.id}" has no OAuth endpoints.`);
  const scope = { config: templateConfig(config) };
  const endpoints: Record<string, string | undefined> = {
    authorization_endpoint: block.authorization_url,
    token_endpoint: block.token_url,
    revocation_endpoint: block.revocation_url,
  };
  let overridden = false;
  for (const [key, endpoint] of Object.entries(overrideKeys)) {
    const value = config[key];
    if (typeof value === 'string' && value.trim() !== '') {
      endpoints[endpoint] = value.trim();
      overridden = true;
    }
  }
  for (const [key, value] of Object.entries(endpoints)) {
    if (value === undefined) continue;
    try {
      endpoints[key] = resolveTemplate(value, scope, { encode: encodeURIComponent });
    } catch (cause) {
      throw new AppError('validation_failed', `The OAuth ${key.replace('_', ' ')} of "${manifest.id}" needs a config value: ${(cause as Error).message}`, { cause });
    }
  }
  const issuerKnown = block.issuer !== undefined && !overridden;
  return {
    as: {
      // oauth4webapi needs an issuer; without a known one the token endpoint's origin stands in, and `iss` is not checked.
      issuer: issuerKnown ? block.issuer! : new URL(endpoints['token_endpoint']!).origin,
      authorization_endpoint: endpoints['authorization_endpoint']!,
      token_endpoint: endpoints['token_endpoint']!,
      ...(endpoints['revocation_endpoint'] ? { revocation_endpoint: endpoints['revocation_endpoint'] } : {}),
    },
    issuerKnown,
    overridden,
    scopes: block.scopes,
    scopeSeparator: block.scope_separator,
    authorizeParams: block.authorize_params,
    pkce: block.pkce,
    tokenAuth: block.token_auth,
    tokenTypes: block.token_types,
  };
}
