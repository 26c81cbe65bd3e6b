import { getMcpOauthClient } from '../../db/queries/mcp-oauth.js';
import type { ServiceDeps } from '../service-deps.js';
import { isMetadataDocumentClientId, type ClientMetadataDocuments } from './client-metadata-documents.js';
import type { McpClient } from './mcp-client.js';
import { McpOAuthError } from './mcp-oauth-error.js';

/** What the authorization server's operations need besides the services' dependencies. */
export interface McpAuthDeps extends Pick<ServiceDeps, 'db' | 'vault' | 'config'> {
  clientDocuments: ClientMetadataDocuments;
}

/** The client a client_id names: a metadata document URL (fetched, cached) or a dynamically registered client. */
export async function resolveMcpClient(deps: McpAuthDeps, clientId: string | undefined): Promise<McpClient> {
  if (!clientId) throw new McpOAuthError('invalid_request', 'client_id is required.');
  if (clientId.length > 2000) throw new McpOAuthError('invalid_client', 'The client_id is too long.');
  if (isMetadataDocumentClientId(clientId)) return deps.clientDocuments.resolve(clientId, deps.config.allowPrivateHosts);
  const row = await getMcpOauthClient(deps.db, clientId);
  if (!row) throw new McpOAuthError('invalid_client', 'Unknown client_id: register the client (POST /oauth2/register) or use a client metadata document URL.');
  return {
    id: row.id,
    kind: 'registered',
    name: row.clientName,
    redirectUris: row.redirectUris,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as McpClient['tokenEndpointAuthMethod'],
    secretHash: row.secretHash,
  };
}
