import type { CreateConnectionBody } from '../../../contracts/api/connections.js';
import type { Manifest } from '../../../contracts/manifest.js';
import type { AppDeps } from '../../app-deps.js';
import { connectionView } from '../../views.js';
import { startOAuthConnection } from '../../../services/oauth/start-oauth-connection.js';

/**
 * POST /connections for an oauth2 or mcp_oauth connector: the connection is created in `pending_auth` and the
 * answer says what comes next — `next_step: "oauth"` with the `oauth_url` to open, or `"mcp_oauth"`, with an
 * `oauth_url` too once the MCP server's discovery and client registration succeeded (otherwise a `message`).
 * The user's own app comes as `fields.client_id` / `fields.client_secret` (the reference's byo_oauth).
 */
export async function installOAuth(deps: AppDeps, manifest: Manifest, workspaceId: string, body: CreateConnectionBody) {
  const { client_id: clientId, client_secret: clientSecret, ...fields } = body.fields;
  const started = await startOAuthConnection(deps, manifest, {
    workspaceId,
    name: body.name,
    clientId: clientId === undefined ? undefined : String(clientId),
    clientSecret: clientSecret === undefined ? undefined : String(clientSecret),
    fields,
    returnUrl: body.return_url,
    config: body.config,
    product: body.product,
    companyId: body.company_id,
    schedule: body.schedule,
    notifyUserIds: body.notify_user_ids,
    tolerateDiscoveryFailure: true,
  });
  const connection = connectionView(started.connection);
  return {
    id: connection.id,
    status: connection.status,
    next_step: manifest.auth_mode === 'mcp_oauth' ? ('mcp_oauth' as const) : ('oauth' as const),
    ...(started.authorization ? { oauth_url: started.authorization.url } : {}),
    ...(started.message ? { message: started.message } : {}),
    connection,
  };
}
