import { AppError } from '../contracts/errors.js';
import type { Manifest } from '../contracts/manifest.js';

/**
 * The connection config key `requests_per_second`: the pace of one connection's requests, for a connector whose
 * manifest declares a rate limit. The manifest's pace is the provider's documented default for an ordinary app;
 * real limits vary by plan and by app (Slack gives a non-Marketplace app distributed to other workspaces one
 * history call a minute; an enterprise plan allows more), so an operator can set the pace of a connection.
 */
export const paceKey = 'requests_per_second';

const maxPace = 1000;

function asPace(raw: unknown): number | undefined {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= maxPace ? n : undefined;
}

/** Checks `config.requests_per_second` at install or update; returns it as a number. */
export function validatePace(manifest: Manifest, raw: unknown): number {
  const field = `config.${paceKey}`;
  if (!manifest.rate_limit) throw new AppError('validation_failed', `${field}: connector "${manifest.id}" is not paced, so it has no pace to set.`, { field });
  const pace = asPace(raw);
  if (pace === undefined) throw new AppError('validation_failed', `${field} must be a number of requests per second above 0 and at most ${maxPace} (e.g. 0.5, 2).`, { field });
  return pace;
}

/** The pace of a connection: its own setting, else the manifest's; undefined for a connector that is not paced. */
export function paceFor(manifest: Manifest, config: Record<string, unknown>): { requestsPerSecond: number; burst: number } | undefined {
  if (!manifest.rate_limit) return undefined;
  return { requestsPerSecond: asPace(config[paceKey]) ?? manifest.rate_limit.requests_per_second, burst: manifest.rate_limit.burst };
}
