import type { Manifest } from '../../contracts/manifest.js';

/** The manifest's base URL, or the connection's `base_url` override (trimmed, without trailing slashes). */
export function baseUrlOf(manifest: Manifest, config: Record<string, unknown>): string {
  const override = config['base_url'];
  return typeof override === 'string' && override.trim() !== '' ? override.trim().replace(/\/+$/, '') : manifest.base_url;
}
