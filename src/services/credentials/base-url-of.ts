import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import { resolveTemplate, templateConfig } from '../../http-client/index.js';

/**
 * The connection's `base_url` override (trimmed, without trailing slashes), or the manifest's base URL with its
 * `{{config.<key>}}` placeholders filled (a tenant's host: `https://{{config.subdomain}}.zendesk.com/api/v2`).
 * A placeholder without its config value is a config error naming the key.
 */
export function baseUrlOf(manifest: Manifest, config: Record<string, unknown>): string {
  const override = config['base_url'];
  if (typeof override === 'string' && override.trim() !== '') return override.trim().replace(/\/+$/, '');
  if (!manifest.base_url.includes('{{')) return manifest.base_url;
  try {
    return resolveTemplate(manifest.base_url, { config: templateConfig(config) }, { encode: encodeURIComponent });
  } catch (cause) {
    const key = /"([^"]+)" is missing/.exec((cause as Error).message)?.[1] ?? 'base_url';
    throw new AppError('validation_failed', `${manifest.name} needs config.${key} (or config.base_url) to know where its API is.`, { field: `config.${key}`, cause });
  }
}
