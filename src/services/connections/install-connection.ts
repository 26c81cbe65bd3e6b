import type { CreateConnectionBody } from '../../contracts/api/connections.js';
import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import { hasPastedSecret, validateConfig, validateFields } from '../../core/connection-input.js';
import { newId } from '../../core/ids.js';
import { nextRunAt } from '../../core/schedule.js';
import { insertConnection, type ConnectionRow } from '../../db/queries/connections.js';
import { checkConfigUrls } from '../credentials/conn-string-guard.js';
import { checkCredentialDestinations } from '../credentials/connection-destinations.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { checkCompanyId } from '../crm/check-company-id.js';
import { logTributaryActivity } from '../crm/tributary-activity.js';
import { startOAuthConnection } from '../oauth/start-oauth-connection.js';
import { productForCreate, type ProductScope } from '../keys/product-scope.js';
import type { ServiceDeps } from '../service-deps.js';
import { verifyBeforeSaving } from './verify-before-saving.js';
import { mintWebhookToken } from './webhook-url.js';

/** What an install needs (the OAuth path's `startOAuthConnection` asks for a subset of it). */
export type InstallConnectionDeps = Pick<ServiceDeps, 'db' | 'catalog' | 'vault' | 'config' | 'providerTraffic'>;

export interface InstalledConnection {
  connection: ConnectionRow;
  /** '' when the connection is ready (or pending verification); otherwise the authorization the user must go through. */
  nextStep: '' | 'oauth' | 'mcp_oauth';
  /** OAuth installs: the URL to open, once the authorization could be started. */
  oauthUrl?: string;
  /** Why the connection is pending (saved unverified), or why an OAuth install has no URL yet. */
  message?: string;
}

/**
 * Installs a connector in a workspace (POST /connections). Pasted credentials (api_key, conn_string) are checked
 * and probed at the provider before anything is saved (verifyBeforeSaving); `none` saves no credentials; an
 * oauth2 connector without a pasted token, or an mcp_oauth one, is created `pending_auth` by the OAuth flow. A caller
 * scoped to products installs only in them (productForCreate: its only product when the body names none).
 */
export async function installConnection(deps: InstallConnectionDeps, input: { workspaceId: string; products: ProductScope; install: CreateConnectionBody }): Promise<InstalledConnection> {
  const { workspaceId } = input;
  const install = { ...input.install, product: productForCreate(input.install.product, input.products) ?? undefined };
  if (!deps.catalog.has(install.connector)) {
    throw new AppError('validation_failed', `connector: no connector "${install.connector}" in the catalog.`, { field: 'connector' });
  }
  const { manifest } = deps.catalog.get(install.connector);
  if (install.crew_id) throw new AppError('not_implemented', 'Crew-scoped installs are not available yet.');
  if ((manifest.auth_mode === 'oauth2' && !hasPastedSecret(manifest, install.fields)) || manifest.auth_mode === 'mcp_oauth') {
    return installOAuth(deps, manifest, workspaceId, input.products, install);
  }
  const fields = manifest.auth_mode === 'none' ? {} : validateFields(manifest, install.fields);
  const config = validateConfig(manifest, install.config);
  checkConfigUrls(manifest, config, deps.providerTraffic.guardFor(deps.config.allowPrivateHosts));
  await checkCompanyId(deps.db, workspaceId, install.company_id, input.products);
  checkCredentialDestinations(manifest, config, deps.config);
  const id = newId('conn');
  const secrets: ConnectionSecrets = { fields };
  const verified = await verifyBeforeSaving(deps, { id, manifest, config, secrets, verify: install.verify !== false });
  const row = await insertConnection(deps.db, {
    id,
    workspaceId,
    connectorId: manifest.id,
    name: install.name ?? manifest.name,
    status: verified.status,
    config,
    credentials: manifest.auth_mode === 'none' ? null : deps.vault.encrypt(secrets, id),
    credentialsKeyId: manifest.auth_mode === 'none' ? null : deps.vault.activeKeyId,
    product: install.product ?? null,
    companyId: install.company_id ?? null,
    notifyUserIds: install.notify_user_ids,
    schedule: install.schedule ?? null,
    nextSyncAt: nextRunAt(install.schedule, new Date()),
    ...mintWebhookToken(deps.vault, id).columns,
    ...verified.check,
  });
  await logTributaryActivity(deps.db, row, 'connection_created', { title: `Connection created: ${row.name}`, description: `${manifest.name} installed.` });
  return { connection: row, nextStep: '', ...(verified.message ? { message: verified.message } : {}) };
}

/**
 * The OAuth path: the connection is created in `pending_auth` and the result says what comes next — `oauth` with
 * the URL to open, or `mcp_oauth`, with a URL too once the MCP server's discovery and client registration
 * succeeded (otherwise a message). The user's own app comes as `fields.client_id` / `fields.client_secret`
 * (the reference's byo_oauth).
 */
async function installOAuth(deps: InstallConnectionDeps, manifest: Manifest, workspaceId: string, products: ProductScope, install: CreateConnectionBody): Promise<InstalledConnection> {
  const { client_id: clientId, client_secret: clientSecret, ...fields } = install.fields;
  const started = await startOAuthConnection(deps, manifest, {
    workspaceId,
    products,
    name: install.name,
    clientId: clientId === undefined ? undefined : String(clientId),
    clientSecret: clientSecret === undefined ? undefined : String(clientSecret),
    fields,
    returnUrl: install.return_url,
    config: install.config,
    product: install.product,
    companyId: install.company_id,
    schedule: install.schedule,
    notifyUserIds: install.notify_user_ids,
    tolerateDiscoveryFailure: true,
  });
  return {
    connection: started.connection,
    nextStep: manifest.auth_mode === 'mcp_oauth' ? 'mcp_oauth' : 'oauth',
    ...(started.authorization ? { oauthUrl: started.authorization.url } : {}),
    ...(started.message ? { message: started.message } : {}),
  };
}
