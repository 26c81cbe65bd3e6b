/**
 * The one catalogue of error codes. Code throws `AppError`; the API renders
 * `{ "error": { "code", "message" } }` with the status given here.
 */
export const errorCatalog = {
  bad_request: 400,
  validation_failed: 400,
  /** A string (or key) in params, query, headers or body holds U+0000 or a lone UTF-16 surrogate, which cannot be stored. */
  invalid_characters: 400,
  /** A body sent as `application/json` that does not parse (or holds a `__proto__`/`constructor` key). */
  invalid_json: 400,
  /** `Content-Type: application/json` with an empty body. */
  empty_body: 400,
  /** The body's length differs from its Content-Length header. */
  invalid_content_length: 400,
  /** A URL whose percent-encoding does not decode. */
  invalid_url: 400,
  invalid_cursor: 400,
  /** A hand-set stream cursor (PATCH /connections/:id/state) of a shape the stream cannot resume from. */
  invalid_stream_state: 400,
  unauthorized: 401,
  forbidden: 403,
  /** A read-only API key sent a request that would change data (every non-GET route but a few side-effect-free probes). */
  read_only_key: 403,
  not_found: 404,
  connector_not_found: 404,
  connection_not_found: 404,
  run_not_found: 404,
  stream_not_found: 404,
  /** A `company_id` (in a body) that is not a live company of the caller's workspace; 400, since the URL itself exists. */
  company_not_found: 400,
  conflict: 409,
  connection_not_ready: 409,
  /** A webhook delivery whose provider signature (Stripe-Signature) does not verify against the connection's secret. */
  webhook_signature_invalid: 400,
  run_not_cancellable: 409,
  /** An encryption key that ciphertexts still use (or the active one) cannot be retired. */
  key_in_use: 409,
  /** The embedded data folder is locked by another process (pid, host, since, command in the message). */
  data_folder_locked: 409,
  /** A command for the embedded data folder (backup, restore, doctor) used with DATABASE_URL. */
  embedded_only: 400,
  /** A file given to `tributary restore` that is not a readable Tributary backup. */
  backup_invalid: 400,
  payload_too_large: 413,
  /** A body in a content type the route does not read (send `application/json`). */
  unsupported_media_type: 415,
  rate_limited: 429,
  host_not_allowed: 400,
  /** A URL setting with userinfo or a credential-named query parameter: credentials go in the encrypted fields. */
  credentials_in_url: 400,
  /** A credential would go to a host outside the manifest's allowed_hosts and the operator's TRIBUTARY_ALLOWED_HOSTS. */
  credential_host_not_allowed: 400,
  /** A change of where a stored credential is sent (base_url, OAuth endpoints) without re-entering that credential. */
  credentials_required: 400,
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
  /** A transient database failure (connection lost, admin shutdown, deadlock) met by a request: retry it. */
  database_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/**
 * The error code throws: a stable `code` from `errorCatalog`, a message for the user, and optionally the
 * `field` at fault. In a connector, throw `validation_failed` for a config value the stream cannot use: the run
 * fails with that message.
 *
 * @example
 * ```ts
 * if (!/^\d{1,32}$/.test(realm)) {
 *   throw new AppError('validation_failed', `realm_id: "${realm}" is not a QuickBooks company id (digits only)`, { field: 'realm_id' });
 * }
 * ```
 */
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

/**
 * Whether a caught value is an `AppError`, narrowing it to read `code` and `field`.
 *
 * @example
 * ```ts
 * const error = await readAll(issues, ctx).catch((e: unknown) => e);
 * expect(isAppError(error) && error.field === 'config.base_url').toBe(true);
 * ```
 */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
