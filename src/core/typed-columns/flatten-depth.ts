import { AppError } from '../../contracts/errors.js';
import { defaultFlattenDepth, maxFlattenDepth } from './record-typer.js';

/**
 * The connection config key `flatten_depth`: how many object levels become `parent__child` columns. A number for
 * every stream, or per stream with an optional `default`: `{ "issues": 0, "default": 1 }`.
 */
export const flattenDepthKey = 'flatten_depth';

function isDepth(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= maxFlattenDepth;
}

/** Checks `config.flatten_depth` at install or update; returns it normalised (numeric strings become numbers). */
export function validateFlattenDepth(raw: unknown): number | Record<string, number> {
  const field = `config.${flattenDepthKey}`;
  const asNumber = (value: unknown): number | undefined => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return isDepth(n) ? n : undefined;
  };
  const single = asNumber(raw);
  if (single !== undefined) return single;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const out: Record<string, number> = {};
    for (const [stream, value] of Object.entries(raw as Record<string, unknown>)) {
      const depth = asNumber(value);
      if (depth === undefined) throw new AppError('validation_failed', `${field}.${stream} must be an integer from 0 to ${maxFlattenDepth}.`, { field });
      out[stream] = depth;
    }
    return out;
  }
  throw new AppError('validation_failed', `${field} must be an integer from 0 to ${maxFlattenDepth}, or an object of them by stream.`, { field });
}

/** The depth for one stream of a connection; the default (2) when unset or unusable. */
export function flattenDepthFor(config: Record<string, unknown>, stream: string): number {
  const raw = config[flattenDepthKey];
  if (isDepth(raw)) return raw;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const byStream = raw as Record<string, unknown>;
    if (isDepth(byStream[stream])) return byStream[stream];
    if (isDepth(byStream['default'])) return byStream['default'];
  }
  return defaultFlattenDepth;
}
