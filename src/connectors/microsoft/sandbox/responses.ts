import type { ActiveFault, SandboxRequest, SandboxResponse } from '../../kit/sandbox/index.js';
import { guid } from './world.js';

/**
 * Microsoft Graph's response headers and error bodies, and the identity platform's token errors, as the
 * Graph error reference and the v2.0 auth code flow page show them.
 */

/** Graph's JSON content type for OData responses. */
export const odataJson = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** `request-id` values shaped like Graph's (GUIDs), deterministic per sandbox. */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    return guid(this.seed, 0x7e9, this.counter);
  }
}

/** `2024-05-01T12:00:00`: Graph's `innerError.date` has no zone designator. */
function innerDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

export function graphHeaders(req: SandboxRequest, requestId: string): Record<string, string> {
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

/** `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export function graphError(status: number, code: string, message: string, req: SandboxRequest, requestId: string, extraHeaders: Record<string, string> = {}): SandboxResponse {
  const headers: Record<string, string> = { ...graphHeaders(req, requestId), 'content-type': 'application/json', ...extraHeaders };
  return {
    status,
    headers,
    body: { error: { code, message, innerError: { date: innerDate(Date.now()), 'request-id': requestId, 'client-request-id': headers['client-request-id']! } } },
  };
}

/** Graph's 401 challenge: which authority issues tokens for it, and Graph's own app id. */
export const graphChallenge =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/**
 * Throttling: `429` with `Retry-After` and a `TooManyRequests` body (Graph's throttling page); a second kind is
 * the Outlook service's per-mailbox concurrency limit. Server errors use Graph's documented codes.
 */
export function faultResponse(fault: ActiveFault, req: SandboxRequest, requestId: string): SandboxResponse {
  const retryAfter = { 'retry-after': String(fault.retryAfterSeconds) };
  switch (fault.kind) {
    case 'rate_limit':
      return throttled(req, requestId, fault.retryAfterSeconds, 'TooManyRequests', 'Please retry again later.');
    case 'secondary_rate_limit':
      return throttled(req, requestId, fault.retryAfterSeconds, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
    default: {
      const status = fault.status ?? (fault.occurrence % 2 === 1 ? 503 : 500);
      if (status === 503) return graphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry after a short delay.', req, requestId, retryAfter);
      if (status === 504) return graphError(504, 'UnknownError', '', req, requestId);
      return graphError(status, 'generalException', 'An unspecified error has occurred.', req, requestId);
    }
  }
}

export function throttled(req: SandboxRequest, requestId: string, retryAfterSeconds: number, code: string, message: string): SandboxResponse {
  const response = graphError(429, code, message, req, requestId, { 'retry-after': String(retryAfterSeconds) });
  const body = response.body as { error: { innerError: Record<string, string> } };
  Object.assign(body.error.innerError, { code: '429', message: 'Please retry after', status: '429' });
  return response;
}

/** AADSTS codes for the errors the sandbox's token endpoint can meet, with the identity platform's wording. */
function aadsts(error: string, description: string, clientId: string): { code: number; message: string } {
  if (error === 'invalid_client') {
    return { code: 7000215, message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.` };
  }
  if (error === 'unsupported_grant_type') return { code: 70003, message: 'The app requested an unsupported grant type.' };
  if (error === 'invalid_grant' && /pkce/i.test(description)) return { code: 501481, message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.' };
  if (error === 'invalid_grant' && /redirect_uri/i.test(description)) {
    return { code: 50011, message: 'The redirect URI specified in the request does not match the redirect URIs configured for the application.' };
  }
  if (error === 'invalid_grant' && /refresh token/i.test(description)) {
    return { code: 70008, message: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.' };
  }
  if (error === 'invalid_grant') return { code: 54005, message: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.' };
  return { code: 900144, message: `The request body is not valid: ${description}.` };
}

/** The identity platform's token error: `{ error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri }`. */
export function tokenErrorResponse(error: string, description: string, status: number, clientId: string, ids: RequestIds): SandboxResponse {
  const { code, message } = aadsts(error, description, clientId);
  const traceId = ids.next();
  const correlationId = ids.next();
  const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return {
    status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': traceId },
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
