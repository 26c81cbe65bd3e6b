import { AppError } from '../contracts/errors.js';
import type { Field, Manifest } from '../contracts/manifest.js';
import { ConnStringError, parseConnString } from './conn-string.js';
import { credentialFieldsOf, refuseCredentialsInUrl } from './credentials-in-url.js';
import { paceKey, validatePace } from './request-pace.js';
import { flattenDepthKey, validateFlattenDepth } from './typed-columns/flatten-depth.js';

/** Config keys every connection accepts, whatever its connector. */
const commonConfigKeys = new Set(['base_url', 'createOwnTables', flattenDepthKey]);

/**
 * OAuth endpoint overrides (enterprise or on-premise instances, sandboxes) for connectors with an oauth block.
 * They are URLs like base_url and, like it, every call to them goes through the SSRF guard.
 */
export const oauthEndpointKeys = ['authorization_url', 'token_url', 'revocation_url'] as const;

function checkValue(field: Field, raw: unknown, where: 'fields' | 'config', credentialFieldsHint = ''): string {
  const value = typeof raw === 'string' ? raw.trim() : String(raw);
  const name = `${where}.${field.key}`;
  if (field.type === 'url') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new AppError('validation_failed', `${name} must be a URL.`, { field: name });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('validation_failed', `${name} must be an http(s) URL.`, { field: name });
    // A config value is stored and shown in clear: a credential inside it would be too (see credentials-in-url.ts).
    if (where === 'config' || !field.secret) refuseCredentialsInUrl(url, name, credentialFieldsHint);
  }
  if (field.type === 'conn_string') {
    // Shape only (scheme, one host, safe parameters); whether the host may be reached is the SSRF guard's call.
    try {
      parseConnString(value);
    } catch (error) {
      if (!(error instanceof ConnStringError)) throw error;
      throw new AppError('validation_failed', `${name} ${error.message}.`, { field: name });
    }
  }
  if (field.type === 'number' && Number.isNaN(Number(value))) throw new AppError('validation_failed', `${name} must be a number.`, { field: name });
  if (field.pattern && !new RegExp(field.pattern).test(value)) {
    throw new AppError('validation_failed', `${name} does not have the expected format.`, { field: name });
  }
  if (value.length > 8192) throw new AppError('validation_failed', `${name} is too long.`, { field: name });
  return value;
}

/**
 * The credential fields of an install, checked against the manifest: required ones present, unknown ones
 * refused (a typo would otherwise be stored silently), formats checked. Messages name the field, never its value.
 */
export function validateFields(manifest: Manifest, fields: Record<string, unknown>, options: { partial?: boolean } = {}): Record<string, string> {
  const known = new Map(manifest.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(fields)) {
    if (!known.has(key)) throw new AppError('validation_failed', `fields.${key} is not a field of connector "${manifest.id}".`, { field: `fields.${key}` });
  }
  const out: Record<string, string> = {};
  for (const field of manifest.fields) {
    const raw = fields[field.key];
    if (raw === undefined || raw === null || raw === '') {
      if (field.required && !options.partial) throw new AppError('validation_failed', `fields.${field.key} is required.`, { field: `fields.${field.key}` });
      continue;
    }
    out[field.key] = checkValue(field, raw, 'fields', credentialFieldsOf(manifest));
  }
  return out;
}

export function validateConfig(manifest: Manifest, config: Record<string, unknown>): Record<string, unknown> {
  const known = new Map(manifest.config_fields.map((f) => [f.key, f]));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(config)) {
    const field = known.get(key);
    if (!field) {
      const isUrlKey = key === 'base_url' || (manifest.oauth !== undefined && (oauthEndpointKeys as readonly string[]).includes(key));
      if (isUrlKey) out[key] = checkValue({ key, label: key, type: 'url', secret: false, required: false }, raw, 'config', credentialFieldsOf(manifest));
      else if (key === flattenDepthKey) {
        if (raw !== null && raw !== '') out[key] = validateFlattenDepth(raw);
      } else if (key === paceKey) {
        if (raw !== null && raw !== '') out[key] = validatePace(manifest, raw);
      } else if (commonConfigKeys.has(key)) out[key] = raw;
      else throw new AppError('validation_failed', `config.${key} is not a setting of connector "${manifest.id}".`, { field: `config.${key}` });
      continue;
    }
    if (raw === null || raw === '') continue;
    out[key] = field.type === 'boolean' ? Boolean(raw) : checkValue(field, raw, 'config', credentialFieldsOf(manifest));
  }
  for (const field of manifest.config_fields) {
    if (field.required && out[field.key] === undefined) throw new AppError('validation_failed', `config.${field.key} is required.`, { field: `config.${field.key}` });
  }
  return out;
}

/**
 * An OAuth connector installed with a token the user already has (a Slack bot token, a token from Google's OAuth
 * playground): a secret credential field is filled, so there is nothing to authorize and the token is used as is.
 */
export function hasPastedSecret(manifest: Manifest, fields: Record<string, unknown> | undefined): boolean {
  if (!fields) return false;
  return manifest.fields.some((f) => f.secret && typeof fields[f.key] === 'string' && (fields[f.key] as string).trim() !== '');
}
