import type { JsonRecord } from '../../kit/index.js';
import type { SandboxRequest, SandboxResponse, SimulatorErrorCode } from '../../kit/sandbox/index.js';
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

export interface ApiError {
  message: string;
  path?: string;
}

export const rateLimitedBody = { error: 'Rate limit exceeded', status: 429, message: 'Too many requests. Please wait before retrying.' };

/** A 400 naming the parameter; the request part is added by `finishDeel`. */
export function badRequest(message: string, path: string): SandboxResponse {
  return { status: 400, body: { errors: [{ message, path }] } };
}

export function notFound(what: string): SandboxResponse {
  return { status: 404, body: { errors: [{ message: `${what} not found` }] } };
}

/** The simulator's refusals (bad token, unknown path, faults) in Deel's words. */
export function deelErrorBody(status: number, code: SimulatorErrorCode, message: string): unknown {
  switch (code) {
    case 'rate_limited':
      return rateLimitedBody;
    case 'unauthorized':
      return { errors: [{ message: 'Unauthorized' }] };
    case 'not_found':
      return { errors: [{ message: 'path not found' }] };
    case 'server_error':
      return { errors: [{ message: status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error' }] };
    default:
      return { errors: [{ message }] };
  }
}

/**
 * Every answer's last step: an error container gets its `request` part (with an `api_req_id` counted from the
 * seed, so runs are reproducible), and a 429 loses the Retry-After header Deel never sends.
 */
export function deelFinish(seed: number): (res: SandboxResponse, req: SandboxRequest) => SandboxResponse {
  let counter = 0;
  return (res, req) => {
    const body = res.body as JsonRecord | undefined;
    if (res.status === 429) return { status: 429, headers: { 'content-type': 'application/json; charset=utf-8' }, body: rateLimitedBody };
    if (res.status < 400 || body === undefined || !Array.isArray(body['errors'])) return res;
    counter += 1;
    const source = res.status === 401 ? 'auth' : res.status === 400 ? 'validation' : res.status >= 500 ? 'server' : 'api';
    const request = { method: req.method, url: `${req.url.pathname}${req.url.search}`, status: res.status, api_req_id: uuidOf(seed, 0x7e9, counter), docs: docsBase, source, code: res.status };
    return { ...res, headers: { ...res.headers, 'content-type': 'application/json; charset=utf-8' }, body: { ...body, request } };
  };
}

/**
 * Deel's limit: at most `limit` requests in any rolling second for the whole organization. When `enforce` is
 * off, requests are only counted (a benchmark must not wait), which is the sandbox's default. The kit's window
 * is fixed (it resets at once); Deel's rolls, so it stays here.
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
