import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { McpOAuthError } from '../../../services/mcp-auth/mcp-oauth-error.js';
import { errorHandler } from '../../error-handler.js';

/**
 * The OAuth endpoints' error handler: protocol refusals as RFC 6749 §5.2 bodies (`invalid_client` with a
 * WWW-Authenticate challenge, §5.2), never cached. A body the parser refused (wrong type, too large, bad JSON) at
 * the token, revocation or registration endpoint is an `invalid_request` (`invalid_client_metadata` for
 * registration) with its status, since OAuth clients read only these fields. Anything else is rendered as the app
 * renders it (a database outage is a 503, never a 500 with details).
 */
export function oauthErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof McpOAuthError) {
    reply.header('cache-control', 'no-store');
    if (error.status === 401) reply.header('www-authenticate', 'Basic realm="tributary", error="invalid_client"');
    return reply.status(error.status).send({ error: error.error, error_description: error.description });
  }
  const status = (error as FastifyError).statusCode;
  const path = request.url.split('?')[0];
  if (status !== undefined && status >= 400 && status < 500 && (path === '/oauth2/token' || path === '/oauth2/revoke' || path === '/oauth2/register')) {
    const code = path === '/oauth2/register' ? 'invalid_client_metadata' : 'invalid_request';
    return reply.status(status).header('cache-control', 'no-store').send({ error: code, error_description: error.message });
  }
  return errorHandler(error, request, reply);
}
