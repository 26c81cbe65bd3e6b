/**
 * What the vault holds for one connection, as one encrypted JSON document bound to the connection's id.
 * Never returned by the API, never logged: `secretValues` lists every string here that must be scrubbed.
 */
export interface ConnectionSecrets {
  /** Pasted credential fields (api_key, conn_string). */
  fields: Record<string, string>;
  oauth?: OAuthTokens;
  /** The connection's own OAuth client: the user's app (byo) or one registered dynamically (mcp_oauth). */
  oauth_client?: OAuthClientSecrets;
  /** Endpoints found by discovery (mcp_oauth); oauth2 connectors take theirs from the manifest and config. */
  oauth_server?: DiscoveredServer;
}

export interface OAuthTokens {
  access_token: string;
  refresh_token?: string;
  /** ISO time; absent when the provider did not say (the token is then used until a 401). */
  expires_at?: string;
  token_type?: string;
  scope?: string;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OAuthClientSecrets {
  source: 'byo' | 'dcr';
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: ClientAuthMethod;
}

export interface DiscoveredServer {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  /** The protected resource (the MCP server URL), sent as RFC 8707 `resource`. */
  resource: string;
  scopes: string[];
  /** The server's metadata says it sends `iss` on the authorization response (RFC 9207). */
  iss_parameter_supported?: boolean;
}
