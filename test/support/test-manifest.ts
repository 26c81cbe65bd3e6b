import type { ManifestInput } from '../../src/contracts/manifest.js';

/**
 * The manifest of a connector that exists only in a test: no auth, a placeholder base URL, the listing fields a
 * manifest requires filled with fixed values. A test gives what it is about (id, streams, and anything it overrides).
 */
export function testManifest(manifest: Pick<ManifestInput, 'id' | 'name' | 'description' | 'streams'> & Partial<ManifestInput>): ManifestInput {
  return {
    category: 'test',
    brand_logo: 'https://example.com/logo.svg',
    brand_color: '#000000',
    auth_mode: 'none',
    base_url: 'https://example.com',
    allowed_hosts: ['example.com'],
    ...manifest,
  };
}
