import type { ActiveFault, SandboxRequest, SandboxResponse, SimulatorErrorCode } from '../../kit/sandbox/index.js';

/**
 * Google's response headers and error bodies. Google APIs answer errors with
 * `{ error: { code, message, errors: [{ message, domain, reason, location?, locationType? }], status } }`
 * (https://developers.google.com/calendar/api/guides/errors); they send no rate-limit headers, so a client
 * only learns of a limit from a 403 `rateLimitExceeded` / `userRateLimitExceeded` or a 429. `googleFinish` gives
 * every answer Google's headers and tells a missing credential from a wrong one.
 */

export interface GoogleErrorDetail {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  410: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const commonHeaders: Record<string, string> = {
  'content-type': 'application/json; charset=UTF-8',
  vary: 'Origin, X-Origin, Referer',
  'cache-control': 'private, max-age=0, must-revalidate, no-transform',
  server: 'ESF',
  'x-xss-protection': '0',
  'x-content-type-options': 'nosniff',
};

export function googleError(code: number, message: string, detail: GoogleErrorDetail, headers: Record<string, string> = {}): SandboxResponse {
  return { status: code, headers, body: { error: { code, message, errors: [detail], status: statusNames[code] ?? 'UNKNOWN' } } };
}

/** The simulator's own refusals (an unknown path, a bad page token, an expired sync token) in Google's container. */
export function googleErrorBody(status: number, code: SimulatorErrorCode, message: string): unknown {
  const known: Partial<Record<SimulatorErrorCode, SandboxResponse>> = {
    unauthorized: invalidCredentials(),
    not_found: notFound(),
    expired: fullSyncRequired(),
    rate_limited: rateLimitExceeded(429),
    server_error: backendError(status),
  };
  return (known[code] ?? badParameter(message, 'parameter')).body;
}

/** Google's headers on every answer; a 401 says whether the credential was missing or wrong. */
export function googleFinish(res: SandboxResponse, req: SandboxRequest): SandboxResponse {
  const presented = req.headers.authorization !== undefined || req.url.searchParams.has('access_token');
  const answer = res.status !== 401 ? res : presented ? invalidCredentials() : missingCredentials();
  return { ...answer, headers: { ...commonHeaders, ...answer.headers } };
}

/** The token carries `calendar.readonly` only, so any write is refused for its scope. */
export function insufficientPermissions(): SandboxResponse {
  return googleError(403, 'Request had insufficient authentication scopes.', { message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' });
}

function backendError(status: number): SandboxResponse {
  if (status === 503) {
    return googleError(503, 'The service is currently unavailable.', { message: 'The service is currently unavailable.', domain: 'global', reason: 'backendError' });
  }
  return googleError(status, 'Backend Error', { message: 'Backend Error', domain: 'global', reason: 'backendError' });
}

const authHelp = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** A token Google does not know (wrong, expired or revoked). */
export function invalidCredentials(): SandboxResponse {
  return googleError(
    401,
    `Request had invalid authentication credentials. ${authHelp}`,
    { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

export function missingCredentials(): SandboxResponse {
  return googleError(
    401,
    `Request is missing required authentication credential. ${authHelp}`,
    { message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

export function notFound(): SandboxResponse {
  return googleError(404, 'Not Found', { message: 'Not Found', domain: 'global', reason: 'notFound' });
}

export function badParameter(message: string, location: string): SandboxResponse {
  return googleError(400, message, { message, domain: 'global', reason: 'invalid', location, locationType: 'parameter' });
}

export function fullSyncRequired(): SandboxResponse {
  const message = 'Sync token is no longer valid, a full sync is required.';
  return googleError(410, message, { message, domain: 'global', reason: 'fullSyncRequired', location: 'syncToken', locationType: 'parameter' });
}

export function rateLimitExceeded(status: 403 | 429, reason: 'rateLimitExceeded' | 'userRateLimitExceeded' = 'rateLimitExceeded'): SandboxResponse {
  const message = reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
  return googleError(status, message, { message, domain: 'usageLimits', reason });
}

/** Injected faults in Google's shapes: 429 and 403 rate limits (no Retry-After: Google sends none), 500/503. */
export function faultResponse(fault: ActiveFault): SandboxResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return rateLimitExceeded(429);
    case 'secondary_rate_limit':
      // Google's per-user quota answers 403; alternate the two reasons it uses.
      return rateLimitExceeded(403, fault.occurrence % 2 === 1 ? 'rateLimitExceeded' : 'userRateLimitExceeded');
    default:
      return backendError(fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 503));
  }
}
