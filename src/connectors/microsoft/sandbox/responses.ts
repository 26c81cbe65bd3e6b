import { type ActiveFault, bearerOf, type SandboxRequest, type SandboxResponse, type SimulatorErrorCode } from '../../kit/sandbox/index.js';
import { accessTokenPrefix } from './identity.js';
import { RequestIds } from './world.js';

/**
 * Microsoft Graph's response headers, error bodies and throttling answers, as the Graph error reference and its
 * throttling page show them.
 */

/** Graph's JSON content type for OData responses. */
const odataJson = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** `2024-05-01T12:00:00`: Graph's `innerError.date` has no zone designator. */
function innerDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

function graphHeaders(req: SandboxRequest, requestId: string): Record<string, string> {
  const client = req.headers['client-request-id'];
  return {
    'content-type': odataJson,
    'request-id': requestId,
    'client-request-id': typeof client === 'string' && client !== '' ? client : requestId,
    'odata-version': '4.0',
    'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Sandbox', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'SANDBOX01', ADSiteName: 'SBX' } }),
    'strict-transport-security': 'max-age=31536000',
  };
}

/** A Graph refusal, `{ error: { code, message } }`; `graphFinish` adds its `innerError` and headers. */
export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: { error: { code, message } } };
}

/** Graph's 401 challenge: which authority issues tokens for it, and Graph's own app id. */
const graphChallenge =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/** The simulator's refusals in Graph's codes (the router answers everything else itself). */
export function graphErrorBody(status: number, code: SimulatorErrorCode, message: string): unknown {
  switch (code) {
    case 'unauthorized':
      return { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } };
    case 'rate_limited':
      return { error: { code: 'TooManyRequests', message: 'Please retry again later.' } };
    case 'server_error':
      return { error: serverError(status) };
    case 'not_found':
      return { error: { code: 'Request_ResourceNotFound', message } };
    default:
      return { error: { code: 'BadRequest', message } };
  }
}

function serverError(status: number): { code: string; message: string } {
  if (status === 503) return { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please retry after a short delay.' };
  if (status === 504) return { code: 'UnknownError', message: '' };
  return { code: 'generalException', message: 'An unspecified error has occurred.' };
}

/**
 * Injected faults as Graph's throttling page shows them: `429` with `Retry-After` and `TooManyRequests`, a second
 * kind for the Outlook service's per-mailbox concurrency limit; server errors alternate 503 and 500 unless a
 * status is asked for.
 */
export function graphFault(fault: ActiveFault): SandboxResponse {
  const retryAfter = { 'retry-after': String(fault.retryAfterSeconds) };
  switch (fault.kind) {
    case 'rate_limit':
      return graphError(429, 'TooManyRequests', 'Please retry again later.', retryAfter);
    case 'secondary_rate_limit':
      return graphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', retryAfter);
    default: {
      const status = fault.status ?? (fault.occurrence % 2 === 1 ? 503 : 500);
      return { status, headers: status === 503 ? retryAfter : {}, body: { error: serverError(status) } };
    }
  }
}

/** Why Graph refuses a token, in its words. */
function tokenRefusal(token: string | null): string {
  if (!token) return 'Access token is empty.';
  if (!token.includes('.')) {
    return "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";
  }
  if (token.startsWith(accessTokenPrefix)) return 'Lifetime validation failed, the token is expired.';
  return 'Access token validation failure. Invalid audience.';
}

/**
 * Every API answer's last step: Graph's OData headers with a `request-id` (counted from the seed, so runs are
 * reproducible); a refusal gets its `innerError` (date, request ids; a throttled one also Graph's 429 details), a
 * plain JSON content type, and for a refused token the reason and Graph's challenge.
 */
export function graphFinish(seed: number): (res: SandboxResponse, req: SandboxRequest) => SandboxResponse {
  const ids = new RequestIds(seed);
  return (res, req) => {
    const requestId = ids.next();
    const headers = { ...graphHeaders(req, requestId), ...res.headers };
    const error = (res.body as { error?: Record<string, unknown> } | undefined)?.error;
    if (res.status < 400 || typeof error !== 'object' || error === null) return { ...res, headers };
    headers['content-type'] = 'application/json';
    const innerError: Record<string, string> = { date: innerDate(Date.now()), 'request-id': requestId, 'client-request-id': headers['client-request-id']! };
    if (res.status === 429) Object.assign(innerError, { code: '429', message: 'Please retry after', status: '429' });
    if (res.status === 401 && error['code'] === 'InvalidAuthenticationToken') {
      headers['www-authenticate'] = graphChallenge;
      return { status: 401, headers, body: { error: { ...error, message: tokenRefusal(bearerOf(req)), innerError } } };
    }
    return { ...res, headers, body: { error: { ...error, innerError } } };
  };
}
