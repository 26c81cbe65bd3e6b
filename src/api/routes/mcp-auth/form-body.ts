import type { FastifyInstance, FastifyRequest } from 'fastify';
import { McpOAuthError } from '../../../services/mcp-auth/mcp-oauth-error.js';
import type { ClientCredentials } from '../../../services/mcp-auth/authenticate-mcp-client.js';

export type FormBody = Record<string, string | string[]>;

/** OAuth endpoints take `application/x-www-form-urlencoded` (RFC 6749 §3.2, RFC 7009 §2.1); the app reads JSON only. */
export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    const out: FormBody = {};
    for (const [name, value] of new URLSearchParams(body as string)) {
      const seen = out[name];
      out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    done(null, out);
  });
}

/** The form's parameters, each given once (RFC 6749 §3.1: "parameters MUST NOT be included more than once"). */
export function singleValuedForm(request: FastifyRequest): Record<string, string> {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new McpOAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  const body = (request.body ?? {}) as FormBody;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new McpOAuthError('invalid_request', `${name.slice(0, 50)} is given more than once.`);
    out[name] = value;
  }
  return out;
}

/** Client credentials from HTTP Basic (form-encoded id and secret, RFC 6749 §2.3.1) and the body. */
export function clientCredentials(request: FastifyRequest, form: Record<string, string>): ClientCredentials {
  const header = request.headers.authorization;
  let basic: ClientCredentials['basic'];
  if (header) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) throw new McpOAuthError('invalid_client', 'Only HTTP Basic client authentication is accepted in the Authorization header.');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new McpOAuthError('invalid_client', 'Malformed Basic credentials.');
    try {
      basic = { clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
    } catch {
      throw new McpOAuthError('invalid_client', 'Malformed Basic credentials.');
    }
  }
  return { basic, clientId: form['client_id'], clientSecret: form['client_secret'] };
}
