import { ApiError, type ApiClient } from '../api-client.js';

export interface ConnectFlags {
  name?: string | undefined;
  field: Record<string, string>;
  config: Record<string, string>;
  product?: string | undefined;
  companyId?: string | undefined;
  /** false (`--no-verify`): save without the provider's probe, as `pending`. */
  verify: boolean;
}

/**
 * `tributary connect`: installs a connector. When the provider refuses the credentials (or cannot be reached),
 * the error carries its reason and says how to save them unverified from here: `--no-verify`.
 */
export async function connectCommand(client: ApiClient, connector: string, flags: ConnectFlags, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let created: { id: string; status: string; next_step: string; oauth_url?: string };
  try {
    created = await client.request('POST', '/connections', {
      connector,
      fields: flags.field,
      config: flags.config,
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.product ? { product: flags.product } : {}),
      ...(flags.companyId ? { company_id: flags.companyId } : {}),
      ...(flags.verify ? {} : { verify: false }),
    });
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'credentials_rejected' || error.code === 'provider_unavailable')) {
      // The API's own hint names the request body; the CLI's way is a flag.
      const reason = error.message.replace(/ Nothing was saved;.*$/s, ' Nothing was saved.');
      throw new Error(`${reason}\nTo save the connection unverified (status pending until a check or a sync passes), add --no-verify.`);
    }
    throw error;
  }
  const lines = [`${created.id} ${created.status}`];
  if (created.oauth_url) lines.push(`Open to authorize: ${created.oauth_url}`);
  if (created.status === 'pending') lines.push(`Unverified: \`tributary sync ${created.id}\` (or POST /api/v1/connections/${created.id}/check) makes it connected once the provider accepts the credentials.`);
  out.write(`${lines.join('\n')}\n`);
}
