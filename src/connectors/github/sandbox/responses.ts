import {
  type ActiveFault,
  hash32,
  RateLimitWindow,
  type RateWindowState,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';

/** GitHub's response headers and error bodies, as its REST documentation shows them. */

export const apiVersion = '2022-11-28';
const docs = 'https://docs.github.com/rest';
const rateLimitDocs = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

export function errorBody(message: string, status: number, documentationUrl = docs): Record<string, unknown> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/** Request ids shaped like GitHub's `x-github-request-id` (`C0A8:2F1B:6E4D21:7A3B90:6650F1C2`). */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    const h = (salt: number) => hash32(this.seed, this.counter, salt).toString(16).toUpperCase();
    return `${h(1).slice(0, 4)}:${h(2).slice(0, 4)}:${h(3).slice(0, 6)}:${h(4).slice(0, 6)}:${h(5).slice(0, 8)}`;
  }
}

/** Budgets: 5,000 an hour for a token, 60 for anonymous callers, both counted from the first request. */
export class GithubRateLimits {
  readonly core: RateLimitWindow;
  readonly anonymous: RateLimitWindow;
  constructor(limit: number, enforce: boolean) {
    this.core = new RateLimitWindow(limit, 3600, enforce);
    this.anonymous = new RateLimitWindow(60, 3600, false);
  }
}

export function rateLimitHeaders(state: RateWindowState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-resource': 'core',
  };
}

export function commonHeaders(requestId: string, rate: RateWindowState): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-github-api-version-selected': apiVersion,
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': requestId,
    ...rateLimitHeaders(rate),
  };
}

/** The injected failures, each in GitHub's own shape. */
export function faultResponse(
  fault: ActiveFault,
  requestId: string,
  rate: RateWindowState,
  userId: number,
  nowMs: number,
): SandboxResponse {
  const headers = commonHeaders(requestId, rate);
  switch (fault.kind) {
    case 'rate_limit': {
      // The primary limit: the budget is spent until the reset time, which `retry-after` also gives.
      const reset = Math.ceil(nowMs / 1000) + fault.retryAfterSeconds;
      return {
        status: 429,
        headers: {
          ...headers,
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': String(rate.limit),
          'x-ratelimit-reset': String(reset),
          'retry-after': String(fault.retryAfterSeconds),
        },
        body: errorBody(`API rate limit exceeded for user ID ${userId}.`, 429, `${rateLimitDocs}#about-the-primary-rate-limit`),
      };
    }
    case 'secondary_rate_limit':
      return {
        status: 403,
        headers: { ...headers, 'retry-after': String(fault.retryAfterSeconds) },
        body: errorBody(
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
            `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          403,
          `${rateLimitDocs}#about-secondary-rate-limits`,
        ),
      };
    default: {
      // Unless told otherwise, server errors alternate between GitHub's two usual ones.
      const status = fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 502);
      const message =
        status === 504
          ? "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
          : status === 503
            ? 'Service Unavailable'
            : 'Server Error';
      return { status, headers, body: errorBody(message, status) };
    }
  }
}
