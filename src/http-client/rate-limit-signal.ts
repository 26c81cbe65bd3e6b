/**
 * How providers say "slow down" and for how long. Kept apart from the retry loop because the header zoo
 * (Retry-After, GitHub's x-ratelimit-*, the IETF RateLimit drafts) grows with each connector.
 */

/** Statuses worth another attempt on their own: the provider is overloaded or briefly down. */
export const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** GitHub documents "wait at least one minute" for a secondary limit that names no reset time. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

const googleReason = /"reason"\s*:\s*"(?:rateLimitExceeded|userRateLimitExceeded)"/;

/**
 * 429 always; 403 only when it carries a rate-limit marker. GitHub (and Google) answer both its primary limit
 * (`x-ratelimit-remaining: 0`) and its secondary limits (`retry-after`, or just the body text) with 403,
 * while a plain 403 means missing scopes, which no retry fixes.
 */
export function isRateLimited(status: number, headers: Record<string, string>, bodyText: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headers['retry-after'] !== undefined ||
    headers['x-ratelimit-remaining']?.trim() === '0' ||
    /secondary rate limit|abuse detection/i.test(bodyText.slice(0, 2_000)) ||
    // Google APIs: 403 with `errors[].reason` rateLimitExceeded / userRateLimitExceeded and no timing header.
    googleReason.test(bodyText.slice(0, 4_000))
  );
}

/** `Retry-After` as delta seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * `x-ratelimit-reset` is an epoch in seconds at GitHub and most others; a few send milliseconds or a delta,
 * told apart by magnitude. It only means "wait" once `x-ratelimit-remaining` has reached 0.
 */
function legacyResetWait(headers: Record<string, string>, now: number): number | null {
  if (headers['x-ratelimit-remaining']?.trim() !== '0') return null;
  const raw = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(raw) || raw < 0) return null;
  if (raw > 1e12) return Math.max(0, raw - now);
  if (raw > 1e9) return Math.max(0, raw * 1000 - now);
  return raw * 1000;
}

/** IETF drafts: `RateLimit-Reset: <delta>` (early) or `RateLimit: ...;t=<delta>` / `reset=<delta>` (later). */
function ietfResetWait(headers: Record<string, string>): number | null {
  const single = headers['ratelimit-reset'];
  if (single !== undefined && /^\s*\d+\s*$/.test(single)) return Number(single) * 1000;
  const combined = headers['ratelimit'];
  const match = combined?.match(/(?:^|[;,\s])(?:t|reset)=(\d+)/);
  return match?.[1] === undefined ? null : Number(match[1]) * 1000;
}

/**
 * How long the provider asked us to wait before trying again, or null to fall back to backoff. A 403 that
 * is a rate limit without any timing header gets GitHub's documented minute.
 */
export function providerWaitMs(status: number, headers: Record<string, string>, bodyText: string, now: number): number | null {
  const limited = isRateLimited(status, headers, bodyText);
  // A reset time says when the quota refills; it only matters when the quota is what refused us.
  const explicit =
    parseRetryAfter(headers['retry-after'], now) ??
    legacyResetWait(headers, now) ??
    (limited ? ietfResetWait(headers) : null);
  if (explicit !== null) return explicit;
  // Google documents exponential backoff for its 403 limits: the retry loop's own backoff, not GitHub's minute.
  return status === 403 && limited && !googleReason.test(bodyText.slice(0, 4_000)) ? SECONDARY_LIMIT_WAIT_MS : null;
}
