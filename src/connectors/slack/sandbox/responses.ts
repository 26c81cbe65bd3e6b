import { type ActiveFault, RateLimitWindow, type SandboxResponse } from '../../kit/sandbox/index.js';

/**
 * Slack's answers: every Web API response is JSON with `ok`; a refusal is `{ ok: false, error }` with HTTP 200
 * (bad tokens included); only rate limits (429 with `Retry-After` seconds) and server trouble change the status.
 */

export const grantedScopes = 'channels:read,groups:read,channels:history,groups:history,users:read';

/** The scopes a method accepts, as Slack's `x-accepted-oauth-scopes` lists them. */
export const acceptedScopes: Record<string, string> = {
  'auth.test': '',
  'conversations.list': 'channels:read,groups:read,mpim:read,im:read',
  'conversations.history': 'channels:history,groups:history,mpim:history,im:history',
  'conversations.replies': 'channels:history,groups:history,mpim:history,im:history',
  'users.list': 'users:read',
};

/** Requests a minute per method, after Slack's tiers: Tier 2 (20+), Tier 3 (50+), auth.test's special tier. */
export const methodTiers: Record<string, number> = {
  'auth.test': 100,
  'conversations.list': 20,
  'users.list': 20,
  'conversations.history': 50,
  'conversations.replies': 50,
};

export function headers(requestId: string, method: string | null): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-slack-req-id': requestId,
    'x-oauth-scopes': grantedScopes,
    'x-accepted-oauth-scopes': method === null ? '' : (acceptedScopes[method] ?? ''),
  };
}

export function refusal(error: string, requestId: string, method: string | null, extra: Record<string, unknown> = {}): SandboxResponse {
  return { status: 200, headers: headers(requestId, method), body: { ok: false, error, ...extra } };
}

export function rateLimited(retryAfterSeconds: number, requestId: string, method: string | null): SandboxResponse {
  return {
    status: 429,
    headers: { ...headers(requestId, method), 'retry-after': String(Math.max(1, retryAfterSeconds)) },
    body: { ok: false, error: 'ratelimited' },
  };
}

/** Per-method minute windows; refusing only when `enforce` is on, so long benchmarks never wait a minute. */
export class MethodRateLimits {
  private readonly windows = new Map<string, RateLimitWindow>();
  constructor(private readonly enforce: boolean) {}

  /** Counts a call; the seconds to wait when its method's budget is spent, else null. */
  hit(method: string): number | null {
    let window = this.windows.get(method);
    if (!window) {
      window = new RateLimitWindow(methodTiers[method] ?? 50, 60, this.enforce);
      this.windows.set(method, window);
    }
    const state = window.hit();
    return state.exhausted ? Math.max(1, Math.ceil(state.reset - Date.now() / 1000)) : null;
  }
}

/** Injected faults in Slack's shape: 429 + `Retry-After`, or a 5xx with Slack's error code. */
export function faultResponse(fault: ActiveFault, requestId: string, method: string | null): SandboxResponse {
  if (fault.kind === 'rate_limit' || fault.kind === 'secondary_rate_limit') return rateLimited(fault.retryAfterSeconds, requestId, method);
  const status = fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 503);
  const error = status === 503 ? 'service_unavailable' : status === 500 ? 'internal_error' : 'fatal_error';
  return { status, headers: headers(requestId, method), body: { ok: false, error } };
}
