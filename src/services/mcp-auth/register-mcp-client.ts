import { z } from 'zod';
import { hashToken } from '../../core/api-key-hash.js';
import { newId, newSecretToken } from '../../core/ids.js';
import { insertMcpOauthClient } from '../../db/queries/mcp-oauth.js';
import type { ServiceDeps } from '../service-deps.js';
import { McpOAuthError } from './mcp-oauth-error.js';
import { redirectUriProblem } from './redirect-uri-rules.js';

const RegistrationSchema = z.object({
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  client_name: z.string().min(1).max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  scope: z.string().max(200).optional(),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).optional(),
  grant_types: z.array(z.string()).max(5).optional(),
  response_types: z.array(z.string()).max(5).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
});

export interface RegisteredMcpClient {
  /** The RFC 7591 §3.2.1 answer; `client_secret` only for a confidential client, shown this once. */
  response: Record<string, unknown>;
}

/**
 * RFC 7591 dynamic client registration. Redirect URIs must be https or loopback http (RFC 8252); only the
 * authorization-code and refresh-token grants with response type `code` are offered. Without an auth method the
 * RFC's default applies (`client_secret_basic`, a confidential client); MCP clients usually ask for `none`.
 */
export async function registerMcpClient(deps: Pick<ServiceDeps, 'db'>, body: unknown, now = new Date()): Promise<RegisteredMcpClient> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new McpOAuthError('invalid_client_metadata', 'Send the client metadata as a JSON object.');
  if (!Array.isArray((body as { redirect_uris?: unknown }).redirect_uris)) throw new McpOAuthError('invalid_redirect_uri', 'redirect_uris: a list of one to ten URIs is required.');
  const parsed = RegistrationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'body';
    throw new McpOAuthError(field.startsWith('redirect_uris') ? 'invalid_redirect_uri' : 'invalid_client_metadata', `${field}: ${issue.message}`);
  }
  const input = parsed.data;
  for (const uri of input.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new McpOAuthError('invalid_redirect_uri', `redirect_uris: ${problem}.`);
  }
  const grantTypes = input.grant_types ?? ['authorization_code', 'refresh_token'];
  const unknownGrant = grantTypes.find((g) => g !== 'authorization_code' && g !== 'refresh_token');
  if (unknownGrant) throw new McpOAuthError('invalid_client_metadata', `grant_types: "${unknownGrant}" is not offered (authorization_code and refresh_token are).`);
  const responseTypes = input.response_types ?? ['code'];
  if (responseTypes.some((r) => r !== 'code')) throw new McpOAuthError('invalid_client_metadata', 'response_types: only "code" is offered.');
  for (const field of ['client_uri', 'logo_uri'] as const) {
    const value = input[field];
    if (value !== undefined && !/^https:\/\//.test(value)) throw new McpOAuthError('invalid_client_metadata', `${field}: must be an https URL.`);
  }

  const authMethod = input.token_endpoint_auth_method ?? 'client_secret_basic';
  const clientId = newId('mcpc', 24);
  const secret = authMethod === 'none' ? undefined : newSecretToken('trb_mcs');
  const metadata: Record<string, unknown> = {
    client_id: clientId,
    redirect_uris: input.redirect_uris,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: responseTypes,
    ...(input.client_name ? { client_name: input.client_name } : {}),
    ...(input.client_uri ? { client_uri: input.client_uri } : {}),
    ...(input.logo_uri ? { logo_uri: input.logo_uri } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.software_id ? { software_id: input.software_id } : {}),
    ...(input.software_version ? { software_version: input.software_version } : {}),
  };
  await insertMcpOauthClient(deps.db, {
    id: clientId,
    clientName: input.client_name ?? null,
    redirectUris: input.redirect_uris,
    tokenEndpointAuthMethod: authMethod,
    secretHash: secret ? hashToken(secret) : null,
    metadata,
    createdAt: now,
  });
  return {
    response: {
      ...metadata,
      client_id_issued_at: Math.floor(now.getTime() / 1000),
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    },
  };
}
