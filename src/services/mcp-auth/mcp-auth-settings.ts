/** How long what the authorization server issues lives. Short access tokens: refresh is cheap, revocation is fast. */
export const mcpOAuthLifetimes = {
  /** An authorization code: the redirect and the token request follow each other within seconds. */
  codeSeconds: 60,
  accessTokenSeconds: 3600,
  /** Sliding: each rotation issues a new refresh token with a fresh 30 days; an idle grant ends after that. */
  refreshTokenSeconds: 30 * 24 * 3600,
  /** Between the consent page's sign-in and its approval. */
  consentSeconds: 600,
} as const;

/** Refresh tokens start with this (access tokens with `trb_mat_`), so a leaked one is recognisable in a scan. */
export const mcpRefreshTokenPrefix = 'trb_mrt_';

/**
 * The scopes a client may ask for. The consent page decides the rest (role ceiling, read-only, products);
 * `mcp:read` alone asks for a read-only grant, and a read-only grant is always answered as `mcp:read`.
 */
export const mcpScopes = ['mcp:read', 'mcp:write'] as const;

/** The issuer is the public URL; its protected resource (the token audience, RFC 8707) is the MCP endpoint. */
export function mcpIssuer(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

export function mcpResource(publicUrl: string): string {
  return `${mcpIssuer(publicUrl)}/mcp`;
}

/**
 * Where /mcp's RFC 9728 metadata lives: the transport names it in the `WWW-Authenticate: Bearer
 * resource_metadata="…"` challenge of a 401, which is how an MCP client discovers this authorization server.
 */
export function mcpResourceMetadataUrl(publicUrl: string): string {
  return `${mcpIssuer(publicUrl)}/.well-known/oauth-protected-resource/mcp`;
}
