/** The error codes of RFC 6749 §4.1.2.1 / §5.2, RFC 7009, RFC 7591 §3.2.2 and RFC 8707 that this server answers. */
export type McpOAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'temporarily_unavailable'
  | 'too_many_requests';

/**
 * An OAuth protocol refusal, rendered as the RFCs say (`{ error, error_description }`, or a redirect carrying
 * them) rather than the REST API's envelope: MCP clients are OAuth clients and read these fields. The description
 * never carries a secret (no token, code or client secret is ever quoted back).
 */
export class McpOAuthError extends Error {
  constructor(
    readonly error: McpOAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : error === 'too_many_requests' ? 429 : 400,
  ) {
    super(description);
    this.name = 'McpOAuthError';
  }
}
