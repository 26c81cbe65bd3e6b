import { mcpIssuer, mcpResource, mcpScopes } from './mcp-auth-settings.js';

/** RFC 9728 protected-resource metadata for /mcp: who issues its tokens, and how to present them. */
export function protectedResourceMetadata(publicUrl: string): Record<string, unknown> {
  return {
    resource: mcpResource(publicUrl),
    authorization_servers: [mcpIssuer(publicUrl)],
    scopes_supported: [...mcpScopes],
    bearer_methods_supported: ['header'],
    resource_name: 'Tributary MCP server',
  };
}

/**
 * RFC 8414 authorization-server metadata. PKCE S256 only (OAuth 2.1); public clients (`none`) identify by a Client
 * ID Metadata Document or register dynamically; confidential ones, registered dynamically, use a client secret.
 */
export function authorizationServerMetadata(publicUrl: string): Record<string, unknown> {
  const issuer = mcpIssuer(publicUrl);
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    registration_endpoint: `${issuer}/oauth2/register`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    scopes_supported: [...mcpScopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}
