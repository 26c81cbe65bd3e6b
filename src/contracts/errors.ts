/**
 * The one catalogue of error codes. Code throws `AppError`; the API renders
 * `{ "error": { "code", "message" } }` with the status given here.
 */
export const errorCatalog = {
  bad_request: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  /** A hand-set stream cursor (PATCH /connections/:id/state) of a shape the stream cannot resume from. */
  invalid_stream_state: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  connector_not_found: 404,
  connection_not_found: 404,
  run_not_found: 404,
  stream_not_found: 404,
  conflict: 409,
  connection_not_ready: 409,
  /** A webhook delivery whose provider signature (Stripe-Signature) does not verify against the connection's secret. */
  webhook_signature_invalid: 400,
  run_not_cancellable: 409,
  /** An encryption key that ciphertexts still use (or the active one) cannot be retired. */
  key_in_use: 409,
  payload_too_large: 413,
  rate_limited: 429,
  host_not_allowed: 400,
  /** An OAuth `state` that is forged, tampered with, expired, replayed or bound elsewhere. */
  invalid_state: 400,
  /** No OAuth app for the connector: neither the operator's (environment) nor the user's own client. */
  oauth_not_configured: 400,
  /** The provider refused an OAuth step (a bad or reused code, a refused registration, `invalid_grant`). */
  oauth_failed: 400,
  /** The provider refused the submitted credentials at install (its verify probe); nothing was saved. */
  credentials_rejected: 422,
  /** The provider could not be reached or answered 5xx: trying again later may work. */
  provider_unavailable: 502,
  not_implemented: 501,
  encryption_key_missing: 500,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code];
    this.field = options?.field;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
