import * as oauth from 'oauth4webapi';
import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import type { ClientAuthMethod, ConnectionSecrets } from '../credentials/connection-secrets.js';
import type { OAuthServer } from './oauth-server.js';

/** The operator's OAuth app for one connector, from `TRIBUTARY_OAUTH_<CONNECTOR>_CLIENT_ID` / `_CLIENT_SECRET`. */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

/** Keyed by connector id. */
export type OAuthApps = Record<string, OAuthApp>;

export interface OAuthClient {
  client: oauth.Client;
  auth: oauth.ClientAuth;
  source: 'operator' | 'byo' | 'dcr';
  /** For scrubbing from messages. */
  secret: string | undefined;
}

export function oauthAppEnvName(connectorId: string): string {
  return `TRIBUTARY_OAUTH_${connectorId.toUpperCase()}_CLIENT_ID`;
}

/**
 * The connection's own client (the user's app, or one registered dynamically) when it has one, otherwise the
 * operator's app for the connector. The operator's secret is never sent to endpoints a connection's config
 * chose: whoever can edit a connection could otherwise point `token_url` at their own host and collect it.
 */
export function oauthClientFor(manifest: Manifest, secrets: ConnectionSecrets, apps: OAuthApps, server: OAuthServer): OAuthClient {
  const own = secrets.oauth_client;
  if (own) return build(own.client_id, own.client_secret, own.token_endpoint_auth_method ?? server.tokenAuth, own.source);
  const app = apps[manifest.id];
  if (!app) {
    throw new AppError(
      'oauth_not_configured',
      `No OAuth app for "${manifest.id}": the operator sets ${oauthAppEnvName(manifest.id)} and _CLIENT_SECRET, or send your own client_id and client_secret.`,
    );
  }
  if (server.overridden) {
    throw new AppError('oauth_not_configured', 'Custom OAuth endpoints (config authorization_url, token_url, revocation_url) need your own OAuth app: send client_id and client_secret.');
  }
  return build(app.clientId, app.clientSecret, server.tokenAuth, 'operator');
}

function build(clientId: string, secret: string | undefined, method: ClientAuthMethod, source: OAuthClient['source']): OAuthClient {
  const auth = !secret || method === 'none' ? oauth.None() : method === 'client_secret_basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);
  return { client: { client_id: clientId }, auth, source, secret };
}
