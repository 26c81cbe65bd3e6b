import {
  type ActiveFault,
  hash32,
  RateLimitWindow,
  type RateWindowState,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';

/**
 * Jira Cloud's response headers and error bodies. REST errors are `{ errorMessages: [...], errors: {} }`; a bad API
 * token (or email) on the site is a plain-text 401 about deprecated password authentication, since Jira cannot tell
 * a wrong token from a password; the api.atlassian.com gateway answers its own `{ code, message }`. Rate limiting
 * follows Atlassian's rate-limiting page: `X-RateLimit-Limit`/`-Remaining` (and `X-RateLimit-NearLimit` under 20 %)
 * on responses, and on a 429 `Retry-After` in seconds, `X-RateLimit-Reset` as an ISO time and `RateLimit-Reason`.
 */
export const messages = {
  unauthenticated: 'You are not authenticated. Authentication required to perform this operation.',
  basicFailed:
    'Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/',
  bearerOnSite: 'Client must be authenticated to access this resource.',
  unbounded: 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
  rateLimited: 'Rate limit exceeded.',
};

export function errorBody(errorMessages: string[], errors: Record<string, string> = {}): Record<string, unknown> {
  return { errorMessages, errors };
}

export function jiraError(status: number, message: string): SandboxResponse {
  return { status, body: errorBody([message]) };
}

/** The gateway's own refusals (`api.atlassian.com`). */
export function gatewayError(status: number, message: string): SandboxResponse {
  return { status, body: { code: status, message } };
}

/** `X-AREQUESTID`-style ids, deterministic per sandbox. */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    return `${hash32(this.seed, this.counter, 1).toString(16)}${hash32(this.seed, this.counter, 2).toString(16)}`.slice(0, 16);
  }
}

/**
 * One budget per credential. Atlassian publishes no numbers for API-token ("burst") traffic; 500 a minute is in
 * the range sites report. When not enforced, a spent window simply starts over, so a long benchmark never waits.
 */
export class JiraRateLimits {
  private readonly windows = new Map<string, RateLimitWindow>();
  constructor(
    private readonly limit: number,
    private readonly enforce: boolean,
  ) {}

  hit(credential: string): RateWindowState {
    let window = this.windows.get(credential);
    if (!window) {
      if (this.windows.size > 1000) this.windows.clear();
      window = new RateLimitWindow(this.limit, 60, this.enforce);
      this.windows.set(credential, window);
    }
    return window.hit();
  }
}

/** Headers on every answer: JSON, and the request id Jira's edge prints twice. */
export function requestHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json;charset=UTF-8', 'x-arequestid': requestId, 'atl-traceid': requestId };
}

/** The budget on an answer to a signed-in caller, and a warning under 20 % left. */
export function rateHeaders(rate: RateWindowState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(rate.remaining),
    ...(rate.remaining < rate.limit * 0.2 ? { 'x-ratelimit-nearlimit': 'true' } : {}),
  };
}

/** `yyyy-MM-ddTHH:mmZ`, the format Atlassian documents for `X-RateLimit-Reset`. */
function resetAt(ms: number): string {
  return `${new Date(Math.ceil(ms / 60_000) * 60_000).toISOString().slice(0, 16)}Z`;
}

export function rateLimited(limit: number, retryAfterSeconds: number, reason: string, nowMs: number): SandboxResponse {
  return {
    status: 429,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': resetAt(nowMs + retryAfterSeconds * 1000),
      'ratelimit-reason': reason,
    },
    body: errorBody([messages.rateLimited]),
  };
}

/** The injected failures, each in Jira's shape. */
export function faultResponse(fault: ActiveFault, limit: number, nowMs: number): SandboxResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return rateLimited(limit, fault.retryAfterSeconds, 'jira-burst-based', nowMs);
    case 'secondary_rate_limit':
      // The hourly points quota of OAuth apps, the other limit Atlassian documents.
      return rateLimited(limit, fault.retryAfterSeconds, 'jira-quota-tenant-based', nowMs);
    default: {
      const status = fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 503);
      const headers: Record<string, string> = {};
      // Atlassian documents that some transient 5xx, such as a 503 at a resource limit, carry Retry-After too.
      if (status === 503) headers['retry-after'] = String(fault.retryAfterSeconds);
      const message = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal server error';
      return { status, headers, body: errorBody([message]) };
    }
  }
}
