import { type ActiveFault, hash32, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';
import { uuidOf } from './world.js';

/**
 * Deel's error bodies and rate limit, as its documentation shows them:
 * - API errors are an `ApiErrorContainer`: `{ errors: [{ message, path? }], request: { method, url, status,
 *   api_req_id, docs, source, code } }` (the 404 example: `{ "errors": [{ "message": "path not found" }] }`);
 * - the rate limit is 5 requests a second per organization in a rolling window, answered with 429 and
 *   `{ "error": "Rate limit exceeded", "status": 429, "message": "Too many requests. Please wait before retrying." }`,
 *   and Deel sends no rate-limit or Retry-After headers at all.
 */

const docsBase = 'https://developer.deel.com/api';

/** Deel's `api_req_id`s look like UUIDs; counted from the seed so runs are reproducible. */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    return uuidOf(this.seed, 0x7e9, this.counter);
  }
}

export interface ApiError {
  message: string;
  path?: string;
}

export function apiError(req: SandboxRequest, status: number, requestId: string, errors: ApiError[], source = 'api'): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {
      errors,
      request: {
        method: req.method,
        url: `${req.url.pathname}${req.url.search}`,
        status,
        api_req_id: requestId,
        docs: docsBase,
        source,
        code: status,
      },
    },
  };
}

export function rateLimited(): SandboxResponse {
  return {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { error: 'Rate limit exceeded', status: 429, message: 'Too many requests. Please wait before retrying.' },
  };
}

/**
 * Deel's limit: at most `limit` requests in any rolling second for the whole organization. When `enforce` is
 * off, requests are only counted (a benchmark must not wait), which is the sandbox's default.
 */
export class RollingSecondLimit {
  private readonly recent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly enforce: boolean,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Counts one request; false when it is over the limit (and enforced). */
  admit(): boolean {
    const now = this.nowMs();
    while (this.recent.length > 0 && this.recent[0]! <= now - 1000) this.recent.shift();
    if (this.enforce && this.recent.length >= this.limit) return false;
    this.recent.push(now);
    if (this.recent.length > this.limit) this.recent.shift();
    return true;
  }
}

/** The injected failures in Deel's shapes: its 429 body for both rate limits, its error container for 5xx. */
export function faultResponse(fault: ActiveFault, req: SandboxRequest, requestId: string, seed: number): SandboxResponse {
  if (fault.kind === 'rate_limit' || fault.kind === 'secondary_rate_limit') return rateLimited();
  const status = fault.status ?? (hash32(seed, fault.occurrence) % 2 === 0 ? 500 : 503);
  const message = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error';
  return apiError(req, status, requestId, [{ message }], 'server');
}
