import { type ActiveFault, hash32, type SandboxResponse } from '../../kit/sandbox/index.js';
import { qboTime } from './time.js';

/**
 * QuickBooks' error bodies and headers. Every failure is a `Fault` with a list of errors (`Message`, `Detail`,
 * `code`) and a `type`, plus the server `time`; authentication failures carry
 * `message=AuthenticationFailed; errorCode=003200; statusCode=401` in their message, throttling
 * `message=ThrottleExceeded; errorCode=003001; statusCode=429`. Each response has an `intuit_tid` header, the
 * transaction id Intuit support asks for. QuickBooks documents no rate-limit headers (and no `Retry-After`):
 * a throttled client only sees the 429.
 */
export type FaultType = 'AUTHENTICATION' | 'ValidationFault' | 'SystemFault' | 'SERVICE';

export function fault(status: number, type: FaultType, error: { message: string; detail: string; code: string; element?: string }, nowSeconds: number): SandboxResponse {
  return {
    status,
    body: {
      Fault: { Error: [{ Message: error.message, Detail: error.detail, code: error.code, ...(error.element ? { element: error.element } : {}) }], type },
      time: qboTime(nowSeconds),
    },
  };
}

export function authenticationFault(detail: string, nowSeconds: number): SandboxResponse {
  return fault(401, 'AUTHENTICATION', { message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200' }, nowSeconds);
}

export function authorizationFault(nowSeconds: number): SandboxResponse {
  return fault(403, 'AUTHENTICATION', { message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', detail: '', code: '3100' }, nowSeconds);
}

export function throttleFault(nowSeconds: number): SandboxResponse {
  return fault(
    429,
    'SERVICE',
    { message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', detail: 'The request limit was reached. Wait and retry the request.', code: '003001' },
    nowSeconds,
  );
}

/** Transaction ids shaped like Intuit's (`1-65a4f0c2-3b1e2d4c5f6a7b8c9d0e1f2a`). */
export class TransactionIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    const h = (salt: number) => hash32(this.seed, this.counter, salt).toString(16).padStart(8, '0');
    return `1-${h(1)}-${h(2)}${h(3)}${h(4).slice(0, 8)}`;
  }
}

export function commonHeaders(tid: string): Record<string, string> {
  return { 'content-type': 'application/json;charset=UTF-8', intuit_tid: tid, 'cache-control': 'max-age=0, no-cache, no-store, must-revalidate, private' };
}

/** Injected failures in QuickBooks' shape: 429 ThrottleExceeded, or a 5xx SystemFault. */
export function faultResponse(injected: ActiveFault, tid: string, nowSeconds: number): SandboxResponse {
  const headers = commonHeaders(tid);
  if (injected.kind === 'rate_limit' || injected.kind === 'secondary_rate_limit') return { ...throttleFault(nowSeconds), headers };
  const status = injected.status ?? (injected.occurrence % 2 === 1 ? 500 : 503);
  if (status === 503) {
    return { ...fault(503, 'SystemFault', { message: 'Service Unavailable', detail: 'The service is temporarily unavailable.', code: '10000' }, nowSeconds), headers };
  }
  return {
    ...fault(status, 'SystemFault', { message: 'An application error has occurred while processing your request', detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.', code: '10000' }, nowSeconds),
    headers,
  };
}
