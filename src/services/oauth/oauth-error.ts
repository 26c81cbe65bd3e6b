import * as oauth from 'oauth4webapi';
import { createScrubber, isHttpError } from '../../http-client/index.js';
import type { ErrorKind } from '../runs/run-errors.js';

/**
 * An OAuth step that failed, classified like the HTTP toolkit's errors so runs and routes can act on it:
 * `config` (the provider refused: a bad code, `invalid_grant`, a blocked host — retrying will not help),
 * `transient` (unreachable, 5xx, timeout), `provider` (an answer we could not use).
 * The message never holds a token, code or client secret: it is built from the error code and the
 * provider's description, scrubbed of every secret the caller knows.
 */
export class OAuthError extends Error {
  readonly kind: Exclude<ErrorKind, 'internal'>;
  /** The provider's `error` (`invalid_grant`, `access_denied`…) or ours (`host_not_allowed`, `network_error`). */
  readonly code: string;

  constructor(kind: OAuthError['kind'], code: string, message: string) {
    super(message);
    this.name = 'OAuthError';
    this.kind = kind;
    this.code = code;
  }
}

export function toOAuthError(error: unknown, step: string, secrets: readonly (string | undefined)[]): OAuthError {
  if (error instanceof OAuthError) return error;
  const scrubber = createScrubber(secrets.filter((s): s is string => typeof s === 'string'));
  const scrub = (text: string) => scrubber(text).slice(0, 500);
  if (error instanceof oauth.ResponseBodyError) {
    const kind = error.status >= 500 ? 'transient' : 'config';
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new OAuthError(kind, error.error, scrub(`${step}: the provider answered ${error.status} ${error.error}${description}`));
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new OAuthError('config', error.error, scrub(`${step}: ${error.error}${description}`));
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthError('config', 'invalid_client', scrub(`${step}: the provider refused the client (${error.status})`));
  }
  if (isHttpError(error)) return new OAuthError(error.kind, error.code, scrub(`${step}: ${error.message}`));
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    const kind = status !== undefined && (status >= 500 || status === 429) ? 'transient' : 'provider';
    // An unexpected status says more than oauth4webapi's "not a conform response" wording.
    const what = status !== undefined && error.code === oauth.RESPONSE_IS_NOT_CONFORM ? `the provider answered HTTP ${status}` : error.message;
    return new OAuthError(kind, error.code ?? 'invalid_response', scrub(`${step}: ${what}`));
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new OAuthError('transient', 'timeout', `${step}: the provider did not answer in time`);
  if (error instanceof TypeError) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (isHttpError(cause)) return new OAuthError(cause.kind, cause.code, scrub(`${step}: ${cause.message}`));
    return new OAuthError('transient', 'network_error', scrub(`${step}: network error${cause?.code ? ` (${cause.code})` : ''}`));
  }
  return new OAuthError('provider', 'oauth_error', scrub(`${step}: ${error instanceof Error ? error.message : String(error)}`));
}
