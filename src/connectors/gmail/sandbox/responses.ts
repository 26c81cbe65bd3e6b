import type { ActiveFault, SandboxResponse } from '../../kit/sandbox/index.js';

/**
 * Google's error bodies (the JSON error format of Google APIs: `{ error: { code, message, errors, status } }`)
 * and the headers Gmail sends. Google sends no rate-limit headers: quota shows only as 403/429 errors.
 */
export const jsonHeaders = { 'content-type': 'application/json; charset=UTF-8', vary: 'Origin, X-Origin, Referer', server: 'ESF' };

interface ErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export function googleError(code: number, status: string, message: string, item: ErrorItem, headers: Record<string, string> = {}): SandboxResponse {
  return { status: code, headers: { ...jsonHeaders, ...headers }, body: { error: { code, message, errors: [item], status } } };
}

const devconsole = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export function missingCredentials(): SandboxResponse {
  return googleError(
    401,
    'UNAUTHENTICATED',
    `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${devconsole}`,
    { message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

export function invalidCredentials(): SandboxResponse {
  return googleError(
    401,
    'UNAUTHENTICATED',
    `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${devconsole}`,
    { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

export function notFound(): SandboxResponse {
  return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', { message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' });
}

export function badRequest(message: string): SandboxResponse {
  return googleError(400, 'INVALID_ARGUMENT', message, { message, domain: 'global', reason: 'invalidArgument' });
}

export function delegationDenied(user: string): SandboxResponse {
  const message = `Delegation denied for ${user}`;
  return googleError(403, 'PERMISSION_DENIED', message, { message, domain: 'global', reason: 'forbidden' });
}

export function userRateLimitExceeded(): SandboxResponse {
  const message = 'User-rate limit exceeded.';
  return googleError(403, 'PERMISSION_DENIED', message, { message, domain: 'usageLimits', reason: 'userRateLimitExceeded' });
}

/** Quota units per method, from Gmail's usage-limits page. */
export const quotaUnits: Record<string, number> = {
  getProfile: 1,
  'history.list': 2,
  'messages.list': 5,
  'messages.get': 5,
  'threads.list': 10,
  'threads.get': 10,
};

/** Gmail's per-user limit: 15,000 quota units a minute. Counted in one-minute windows. */
export class QuotaWindow {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly perMinute: number,
    private readonly enforce: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Charges `units`; false when the minute's budget is spent and the limit is enforced. */
  charge(units: number): boolean {
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.enforce && this.used + units > this.perMinute) return false;
    this.used += units;
    return true;
  }

  get usedThisMinute(): number {
    return this.used;
  }
}

/** Injected failures in Google's shapes. */
export function faultResponse(fault: ActiveFault): SandboxResponse {
  switch (fault.kind) {
    case 'rate_limit':
      // 429 for too many requests at once; Google says when to retry.
      return googleError(
        429,
        'RESOURCE_EXHAUSTED',
        'Too many concurrent requests for user.',
        { message: 'Too many concurrent requests for user.', domain: 'usageLimits', reason: 'rateLimitExceeded' },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    case 'secondary_rate_limit':
      // The per-user quota: 403 without any retry hint, as Gmail sends it.
      return userRateLimitExceeded();
    default: {
      const status = fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 503);
      if (status === 503) {
        return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.', { message: 'The service is currently unavailable.', domain: 'global', reason: 'backendError' });
      }
      return googleError(status, status === 500 ? 'INTERNAL' : 'UNAVAILABLE', 'Internal error encountered.', { message: 'Internal error encountered.', domain: 'global', reason: 'backendError' });
    }
  }
}
