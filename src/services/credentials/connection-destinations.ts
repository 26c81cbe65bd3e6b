import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import { credentialDestinations, resolveTemplate, templateConfig, type CredentialDestinations } from '../../http-client/index.js';
import { hasPastedSecret, oauthEndpointKeys } from '../../core/connection-input.js';
import { baseUrlOf } from './base-url-of.js';
import type { ConnectionSecrets } from './connection-secrets.js';

/** The operator's two host settings: TRIBUTARY_ALLOWED_HOSTS and TRIBUTARY_ALLOW_PRIVATE_HOSTS. */
export interface OperatorHosts {
  allowedHosts?: readonly string[] | undefined;
  allowPrivateHosts: readonly string[];
}

/** Config keys that decide where a credential goes: the API's base URL and the OAuth endpoints. */
export type DestinationKey = 'base_url' | (typeof oauthEndpointKeys)[number];

/**
 * An `mcp_oauth` connector without an oauth block talks to the MCP server the user names: its base URL is the
 * user's choice by design, and its credentials are issued by that server's own authorization server. Its
 * destinations are pinned in the vault when it is authorized (see `destinationsFor`).
 */
export function userChosenServer(manifest: Manifest): boolean {
  return manifest.auth_mode === 'mcp_oauth' && !manifest.oauth;
}

/**
 * Where this connection's credentials may go. Besides the manifest's `allowed_hosts` and the operator's lists,
 * the hosts the manifest itself names (its `base_url`, OAuth URLs without templates) and, for an MCP
 * connection, the servers discovery found when it was authorized (the MCP server, its issuer and endpoints,
 * kept with its secrets): a later edit of its `base_url` is not among them.
 */
export function destinationsFor(manifest: Manifest, secrets: ConnectionSecrets | undefined, hosts: OperatorHosts): CredentialDestinations {
  const exactHosts: string[] = [];
  const add = (url: string | undefined) => {
    if (url === undefined || url.includes('{{')) return;
    try {
      exactHosts.push(new URL(url).hostname);
    } catch {
      // Not a URL: allows nothing.
    }
  };
  add(manifest.base_url);
  add(manifest.oauth?.authorization_url);
  add(manifest.oauth?.token_url);
  add(manifest.oauth?.revocation_url);
  const pinned = secrets?.oauth_server;
  if (pinned) for (const url of [pinned.resource, pinned.issuer, pinned.authorization_endpoint, pinned.token_endpoint, pinned.revocation_endpoint]) add(url);
  return credentialDestinations({
    connectorId: manifest.id,
    patterns: manifest.allowed_hosts,
    exactHosts,
    allowedHosts: hosts.allowedHosts ?? [],
    allowPrivateHosts: hosts.allowPrivateHosts,
  });
}

/**
 * The URLs a connection's config sends credentials to, by the key that decides each: the base URL, and for
 * connectors with an oauth block the endpoints (a config override, or the manifest's, templates filled in).
 */
export function destinationUrls(manifest: Manifest, config: Record<string, unknown>): Partial<Record<DestinationKey, string>> {
  const out: Partial<Record<DestinationKey, string>> = {};
  try {
    out.base_url = baseUrlOf(manifest, config);
  } catch {
    // A base URL template missing its config value: no destination yet (a request says what is missing).
  }
  const block = manifest.oauth;
  if (!block) return out;
  const defaults: Record<(typeof oauthEndpointKeys)[number], string | undefined> = {
    authorization_url: block.authorization_url,
    token_url: block.token_url,
    revocation_url: block.revocation_url,
  };
  for (const key of oauthEndpointKeys) {
    const override = config[key];
    const raw = typeof override === 'string' && override.trim() !== '' ? override.trim() : defaults[key];
    if (raw === undefined) continue;
    try {
      out[key] = resolveTemplate(raw, { config: templateConfig(config) }, { encode: encodeURIComponent });
    } catch {
      // A template missing its config value: no destination yet (the OAuth call itself will say what is missing).
    }
  }
  return out;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The destination keys whose origin differs between two configs (a path change keeps the credential's host). */
export function changedDestinations(manifest: Manifest, before: Record<string, unknown>, after: Record<string, unknown>): DestinationKey[] {
  const a = destinationUrls(manifest, before);
  const b = destinationUrls(manifest, after);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as DestinationKey[]);
  return [...keys].filter((key) => originOf(a[key]) !== originOf(b[key]));
}

/**
 * Checked when config is saved (install, PATCH, variant, OAuth start and completion): every destination of the
 * config must be allowed for credentials, else 400 `credential_host_not_allowed` naming the field, the host and
 * the setting that allows it. The same rule is enforced again on every request (`connectionHttp`, the OAuth
 * fetch), so a host removed from the operator's list later is refused at use.
 */
export function checkCredentialDestinations(manifest: Manifest, config: Record<string, unknown>, hosts: OperatorHosts, only?: readonly DestinationKey[]): void {
  const destinations = destinationsFor(manifest, undefined, hosts);
  for (const [key, value] of Object.entries(destinationUrls(manifest, config)) as [DestinationKey, string][]) {
    if (only !== undefined && !only.includes(key)) continue;
    // The MCP server is the user's choice; what it names is pinned at authorization.
    if (key === 'base_url' && userChosenServer(manifest)) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue; // Shape errors are validateConfig's.
    }
    try {
      destinations.check(url);
    } catch (error) {
      throw new AppError('credential_host_not_allowed', `config.${key}: ${(error as Error).message}`, { field: `config.${key}` });
    }
  }
}

/**
 * What moving a stored credential to a new destination takes, as browsers do for a saved password when the site
 * changes: the credential itself, entered again.
 *
 * - pasted credentials (API keys, tokens): every stored secret field must come again in the same request, else
 *   400 `credentials_required` naming them;
 * - OAuth: the tokens were granted for the old server; they are dropped and the connection needs authorizing
 *   again (`reauthorize`), which asks the user and, for the user's own app, its secret;
 * - a member of a variant group shares the group's credentials, which the other members keep sending to the
 *   old host: refused, a new host needs a separate connection with its own credentials.
 */
export function credentialsForMove(input: {
  manifest: Manifest;
  changed: readonly DestinationKey[];
  secrets: ConnectionSecrets | undefined;
  suppliedFields: Record<string, unknown> | undefined;
  sharedWithVariants: boolean;
}): 'keep' | 'reauthorize' {
  const { manifest, changed, secrets } = input;
  if (changed.length === 0 || !secrets) return 'keep';
  const what = changed.map((key) => `config.${key}`).join(', ');
  if (input.sharedWithVariants) {
    throw new AppError(
      'credentials_required',
      `Changing ${what} would send this connection's credentials to a new host, but they are shared with its variant group, whose other members keep using them: install a separate connection with its own credentials for the new host.`,
      { field: `config.${changed[0]}` },
    );
  }
  if (hasPastedSecret(manifest, secrets.fields)) {
    const supplied = input.suppliedFields ?? {};
    const missing = manifest.fields
      .filter((f) => f.secret && typeof secrets.fields[f.key] === 'string' && secrets.fields[f.key] !== '')
      .filter((f) => typeof supplied[f.key] !== 'string' || (supplied[f.key] as string).trim() === '')
      .map((f) => `fields.${f.key}`);
    if (missing.length > 0) {
      throw new AppError(
        'credentials_required',
        `Changing ${what} changes where the stored credentials are sent: send ${missing.join(', ')} again in the same request.`,
        { field: missing[0]! },
      );
    }
    return 'keep';
  }
  if (secrets.oauth || secrets.oauth_client || secrets.oauth_server) return 'reauthorize';
  return 'keep';
}

/** An OAuth connection's secrets once its destination moved: pasted non-secret fields only; grant and client go. */
export function withoutOAuth(secrets: ConnectionSecrets): ConnectionSecrets {
  return { fields: secrets.fields };
}
