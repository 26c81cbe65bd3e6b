import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { McpOAuthError } from '../../../services/mcp-auth/mcp-oauth-error.js';
import { errorHandler } from '../../error-handler.js';

/**
 * The OAuth endpoints' error handler: protocol refusals as RFC 6749 §5.2 bodies (`invalid_client` with a
 * WWW-Authenticate challenge, §5.2), never cached; anything else as the app renders it (a database outage is
 * a 503, never a 500 with details). Bodies the parser refuses (too large, bad type) keep the app's envelope.
 */
export function oauthErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof McpOAuthError) {
    reply.header('cache-control', 'no-store');
    if (error.status === 401) reply.header('www-authenticate', 'Basic realm="tributary", error="invalid_client"');
    return reply.status(error.status).send({ error: error.error, error_description: error.description });
  }
  return errorHandler(error, request, reply);
}
