import type { Manifest } from '../../contracts/manifest.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { destinationsFor } from '../credentials/connection-destinations.js';
import { oauthClientFor, type OAuthApps, type OAuthClient } from './oauth-client.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';
import { oauthFetchOptions } from './oauth-fetch-options.js';
import { oauthServerFor, type OAuthServer } from './oauth-server.js';

/** Everything one OAuth call for a connection needs: its server, its client, and guarded HTTP. */
export interface OAuthContext {
  server: OAuthServer;
  client: OAuthClient;
  fetchOptions: ReturnType<typeof oauthFetchOptions>;
  /** Strings to scrub from any message about this connection's OAuth calls. */
  secrets: (string | undefined)[];
}

export interface OAuthContextInput {
  /** The process's SSRF guards (built once in `cli/runtime.ts`). */
  traffic: ProviderTraffic;
  manifest: Manifest;
  config: Record<string, unknown>;
  secrets: ConnectionSecrets;
  oauthApps: OAuthApps;
  allowPrivateHosts: string[];
  /** The operator's TRIBUTARY_ALLOWED_HOSTS (see connection-destinations.ts). */
  allowedHosts: readonly string[];
}

export function oauthContext(input: OAuthContextInput): OAuthContext {
  const server = oauthServerFor(input.manifest, input.config, input.secrets);
  const client = oauthClientFor(input.manifest, input.secrets, input.oauthApps, server);
  return {
    server,
    client,
    // Every call made with this context carries a credential: the token, refresh and revocation endpoints
    // must be allowed destinations (a token_url edited to point elsewhere is refused here, at use).
    fetchOptions: oauthFetchOptions(input.traffic, input.allowPrivateHosts, destinationsFor(input.manifest, input.secrets, input)),
    secrets: [client.secret, input.secrets.oauth?.access_token, input.secrets.oauth?.refresh_token],
  };
}
