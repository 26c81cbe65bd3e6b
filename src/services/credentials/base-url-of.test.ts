import { describe, expect, it } from 'vitest';
import { isAppError } from '../../contracts/errors.js';
import { ManifestSchema, type Manifest } from '../../contracts/manifest.js';
import { baseUrlOf } from './base-url-of.js';
import { checkCredentialDestinations, destinationUrls } from './connection-destinations.js';

const manifestWith = (base_url: string): Manifest =>
  ManifestSchema.parse({
    id: 'tenant',
    name: 'Tenant API',
    description: 'A provider with one host per customer.',
    category: 'test',
    brand_logo: 'https://example.com/logo.svg',
    brand_color: '#000000',
    auth_mode: 'none',
    base_url,
    allowed_hosts: ['{subdomain}.example.com'],
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
  });

describe('baseUrlOf', () => {
  const tenant = manifestWith('https://{{config.subdomain}}.example.com/api/v2');

  it('fills the manifest base URL from the config, encoded', () => {
    expect(baseUrlOf(tenant, { subdomain: 'acme' })).toBe('https://acme.example.com/api/v2');
    expect(baseUrlOf(tenant, { subdomain: 'a/b' })).toBe('https://a%2Fb.example.com/api/v2');
  });

  it('prefers a base_url override, trimmed of trailing slashes', () => {
    expect(baseUrlOf(tenant, { subdomain: 'acme', base_url: ' http://127.0.0.1:4010/api/v2// ' })).toBe('http://127.0.0.1:4010/api/v2');
  });

  it('is a config error naming the missing key when the template cannot be filled', () => {
    let caught: unknown;
    try {
      baseUrlOf(tenant, {});
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code === 'validation_failed' && caught.field === 'config.subdomain').toBe(true);
    expect((caught as Error).message).toContain('config.subdomain');
  });

  it('returns a plain base URL as it is', () => {
    expect(baseUrlOf(manifestWith('https://api.example.com'), {})).toBe('https://api.example.com');
  });
});

describe('a tenant base URL as a credential destination', () => {
  const tenant = manifestWith('https://{{config.subdomain}}.example.com/api/v2');
  const hosts = { allowPrivateHosts: [] };

  it('is the filled URL, and allowed by the {subdomain} pattern', () => {
    expect(destinationUrls(tenant, { subdomain: 'acme' }).base_url).toBe('https://acme.example.com/api/v2');
    expect(() => checkCredentialDestinations(tenant, { subdomain: 'acme' }, hosts)).not.toThrow();
  });

  it('refuses a subdomain that reaches past one label', () => {
    expect(() => checkCredentialDestinations(tenant, { subdomain: 'acme.evil.test' }, hosts)).toThrow(/config\.base_url/);
  });

  it('has no destination yet while the key is missing (the request says what is missing)', () => {
    expect(destinationUrls(tenant, {}).base_url).toBeUndefined();
    expect(() => checkCredentialDestinations(tenant, {}, hosts)).not.toThrow();
  });
});
