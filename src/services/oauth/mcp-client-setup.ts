import type { Manifest } from '../../contracts/manifest.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { baseUrlOf } from '../credentials/connection-http.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';
import { discoverMcpAuthorization } from './mcp-discovery.js';
import { registerClient } from './register-client.js';

/**
 * An mcp_oauth connection's authorization server and client: discovered from the MCP server (its URL is the
 * manifest's base_url or the connection's), then a client registered there (RFC 7591) unless the user brought
 * one. Done again only when the server URL changed, so a reconnect does not pile up registered clients.
 */
export async function setUpMcpClient(
  manifest: Manifest,
  config: Record<string, unknown>,
  secrets: ConnectionSecrets,
  input: { traffic: ProviderTraffic; redirectUri: string; allowPrivateHosts: string[] },
): Promise<ConnectionSecrets> {
  const serverUrl = baseUrlOf(manifest, config);
  const known = secrets.oauth_server;
  if (known && sameResource(known.resource, serverUrl) && secrets.oauth_client) return secrets;
  const found = await discoverMcpAuthorization(input.traffic, serverUrl, input.allowPrivateHosts);
  const client = secrets.oauth_client?.source === 'byo' ? secrets.oauth_client : await registerClient(input.traffic, found.metadata, input.redirectUri, input.allowPrivateHosts);
  return { ...secrets, oauth_server: found.server, oauth_client: client };
}

function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
