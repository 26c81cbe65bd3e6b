import type { Schedule } from '../../contracts/api/connections.js';
import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import { validateConfig, validateFields } from '../../core/connection-input.js';
import { newId } from '../../core/ids.js';
import { isAllowedReturnUrl } from '../../core/return-url.js';
import { insertConnection, listVariantGroup, updateConnection, type ConnectionRow } from '../../db/queries/connections.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { oauthContext, type OAuthContext } from './oauth-context.js';
import { OAuthError } from './oauth-error.js';
import type { ServiceDeps } from '../service-deps.js';
import { checkConfigUrls } from '../credentials/conn-string-guard.js';
import { checkCompanyId } from '../crm/check-company-id.js';
import { changedDestinations, checkCredentialDestinations } from '../credentials/connection-destinations.js';
import { loadConnection } from '../connections/load-connection.js';
import { checkProductWrite, productForCreate, type ProductScope } from '../keys/product-scope.js';
import { beginAuthorization, type Authorization } from './begin-authorization.js';
import { callbackUrl } from './callback-url.js';
import { setUpMcpClient } from './mcp-client-setup.js';
import { oauthAppError } from './oauth-app-error.js';
import { logTributaryActivity } from '../crm/tributary-activity.js';
import { mintWebhookToken } from '../connections/webhook-url.js';

export interface StartOAuthInput {
  workspaceId: string;
  /** The caller's product scope: a reconnect reaches only its products' connections, a new one is created in them. */
  products: ProductScope;
  name?: string | undefined;
  /** The user's own OAuth app (byo); otherwise the operator's. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** Other credential fields of the manifest (rare for OAuth connectors, e.g. a tenant id). */
  fields?: Record<string, unknown> | undefined;
  connectionId?: string | undefined;
  returnUrl?: string | undefined;
  config?: Record<string, unknown> | undefined;
  product?: string | undefined;
  companyId?: string | undefined;
  schedule?: Schedule | null | undefined;
  notifyUserIds?: string[] | undefined;
  /** Install (true): an MCP server that cannot be discovered yet still gets its pending connection, with a message. */
  tolerateDiscoveryFailure?: boolean;
}

export interface StartedOAuth {
  connection: ConnectionRow;
  authorization: Authorization | null;
  message?: string;
}

export type StartOAuthDeps = Pick<ServiceDeps, 'db' | 'vault' | 'config' | 'providerTraffic'>;

export function supportsOAuth(manifest: Manifest): boolean {
  return manifest.oauth !== undefined || manifest.auth_mode === 'mcp_oauth';
}

/**
 * Creates a connection in `pending_auth` (or takes an existing one, for a reconnect), with the user's own
 * OAuth client or the MCP server's registered one in the vault, and starts its authorization. Everything that
 * can be refused (return URL, config, a missing OAuth app, a blocked host) is checked before anything is written.
 */
export async function startOAuthConnection(deps: StartOAuthDeps, manifest: Manifest, input: StartOAuthInput): Promise<StartedOAuth> {
  if (!supportsOAuth(manifest)) throw new AppError('validation_failed', `Connector "${manifest.id}" does not connect through OAuth.`, { field: 'connector' });
  if (input.returnUrl !== undefined && !isAllowedReturnUrl(input.returnUrl, deps.config.oauthReturnUrls, deps.config.publicUrl)) {
    throw new AppError('validation_failed', 'return_url is not allowed: it must start with this server\'s public URL or one of TRIBUTARY_OAUTH_RETURN_URLS.', { field: 'return_url' });
  }
  if (input.clientSecret !== undefined && input.clientId === undefined) {
    throw new AppError('validation_failed', 'client_secret needs its client_id.', { field: 'client_id' });
  }
  const existing = input.connectionId === undefined ? undefined : await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products);
  if (existing) checkProductWrite(input.product, input.products);
  else input = { ...input, product: productForCreate(input.product, input.products) ?? undefined };
  if (existing && existing.connectorId !== manifest.id) {
    throw new AppError('validation_failed', `Connection ${existing.id} is a ${existing.connectorId} connection, not ${manifest.id}.`, { field: 'connection_id' });
  }
  if (input.companyId !== undefined && input.companyId !== existing?.companyId) await checkCompanyId(deps.db, input.workspaceId, input.companyId, input.products);
  const config = validateConfig(manifest, { ...(existing?.config ?? {}), ...(input.config ?? {}) });
  checkConfigUrls(manifest, config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
  checkCredentialDestinations(manifest, config, deps.config);
  let secrets: ConnectionSecrets = existing?.credentials ? deps.vault.decrypt<ConnectionSecrets>(existing.credentials, existing.id) : { fields: {} };
  // A reconnect that moves the connection (base URL, OAuth endpoints): its old grant is not sent to the new
  // server, and the user's own app secret only with the request that re-enters it.
  const moved = existing ? changedDestinations(manifest, existing.config, config) : [];
  if (moved.length > 0) {
    if (existing?.variantGroupId && (await listVariantGroup(deps.db, existing.workspaceId, existing.variantGroupId)).length > 1) {
      throw new AppError('credentials_required', 'This connection shares its credentials with its variant group: a new host needs a separate connection with its own credentials.', { field: 'config' });
    }
    if (secrets.oauth_client?.source === 'byo' && secrets.oauth_client.client_secret && input.clientSecret === undefined) {
      throw new AppError(
        'credentials_required',
        `Changing ${moved.map((k) => `config.${k}`).join(', ')} changes where your OAuth app's secret is sent: send client_id and client_secret again.`,
        { field: 'client_secret' },
      );
    }
    secrets = { fields: secrets.fields, ...(secrets.oauth_client?.source === 'byo' ? { oauth_client: secrets.oauth_client } : {}) };
  }
  if (input.fields && Object.keys(input.fields).length > 0) secrets = { ...secrets, fields: validateFields(manifest, input.fields, { partial: true }) };
  if (input.clientId !== undefined) {
    secrets = { ...secrets, oauth_client: { source: 'byo', client_id: input.clientId, ...(input.clientSecret ? { client_secret: input.clientSecret } : {}) } };
  }

  let ctx: OAuthContext | null = null;
  let message: string | undefined;
  try {
    if (manifest.auth_mode === 'mcp_oauth' && !manifest.oauth) {
      secrets = await setUpMcpClient(manifest, config, secrets, { traffic: deps.providerTraffic, redirectUri: callbackUrl(deps.config.publicUrl), allowPrivateHosts: deps.config.allowPrivateHosts });
    }
    ctx = oauthContext({ traffic: deps.providerTraffic, manifest, config, secrets, oauthApps: deps.config.oauthApps, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
  } catch (error) {
    const refusedByUs = error instanceof OAuthError && (error.code === 'host_not_allowed' || error.code === 'credential_host_not_allowed');
    if (!(error instanceof OAuthError) || refusedByUs || !input.tolerateDiscoveryFailure) throw oauthAppError(error);
    message = `${error.message} The connection waits in pending_auth: retry with POST /api/v1/oauth/${manifest.id}/authorize and its connection_id.`;
  }

  const connection = existing
    ? await updateExisting(deps, existing, secrets, config, input, moved.length > 0)
    : await insertPending(deps, manifest, secrets, config, input);
  if (!ctx) return { connection, authorization: null, ...(message ? { message } : {}) };
  const authorization = await beginAuthorization(deps, ctx, { workspaceId: input.workspaceId, connectionId: connection.id, returnUrl: input.returnUrl });
  return { connection, authorization };
}

function hasSecrets(secrets: ConnectionSecrets): boolean {
  return Object.keys(secrets.fields).length > 0 || secrets.oauth !== undefined || secrets.oauth_client !== undefined || secrets.oauth_server !== undefined;
}

async function insertPending(deps: StartOAuthDeps, manifest: Manifest, secrets: ConnectionSecrets, config: Record<string, unknown>, input: StartOAuthInput): Promise<ConnectionRow> {
  const id = newId('conn');
  const row = await insertConnection(deps.db, {
    id,
    workspaceId: input.workspaceId,
    connectorId: manifest.id,
    name: input.name ?? manifest.name,
    status: 'pending_auth',
    config,
    credentials: hasSecrets(secrets) ? deps.vault.encrypt(secrets, id) : null,
    credentialsKeyId: hasSecrets(secrets) ? deps.vault.activeKeyId : null,
    product: input.product ?? null,
    companyId: input.companyId ?? null,
    notifyUserIds: input.notifyUserIds ?? [],
    schedule: input.schedule ?? null,
    // The schedule starts when the authorization completes.
    nextSyncAt: null,
    ...mintWebhookToken(deps.vault, id).columns,
  });
  await logTributaryActivity(deps.db, row, 'connection_created', { title: `Connection created: ${row.name}`, description: `${manifest.name} installed; waiting for authorization.` });
  return row;
}

async function updateExisting(deps: StartOAuthDeps, row: ConnectionRow, secrets: ConnectionSecrets, config: Record<string, unknown>, input: StartOAuthInput, moved: boolean): Promise<ConnectionRow> {
  // A connection that works keeps syncing with its current tokens until the new ones arrive (unless a move dropped them).
  const working = !moved && (row.status === 'connected' || row.status === 'syncing' || row.status === 'disabled');
  const updated = await updateConnection(deps.db, row.workspaceId, row.id, {
    config,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.product !== undefined ? { product: input.product } : {}),
    ...(input.companyId !== undefined ? { companyId: input.companyId } : {}),
    ...(hasSecrets(secrets) ? { credentials: deps.vault.encrypt(secrets, row.id), credentialsKeyId: deps.vault.activeKeyId } : moved ? { credentials: null, credentialsKeyId: null } : {}),
    ...(moved ? { nextSyncAt: null } : {}),
    ...(working ? {} : { status: 'pending_auth' }),
  });
  return updated!;
}
