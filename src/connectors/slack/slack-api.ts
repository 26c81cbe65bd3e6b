import { HttpError, type HttpErrorKind, type QueryValue, sleep, type StreamContext, type StreamSpecInput } from '../kit/index.js';

/**
 * Calling a Slack Web API method. Slack answers almost everything with HTTP 200 and says in the body whether it
 * worked: `{ ok: true, … }` or `{ ok: false, error: "invalid_auth" }`. The HTTP client only sees the status, so
 * each body is judged here and a refusal becomes the toolkit's `HttpError` of the kind the engine acts on:
 * a refused or insufficient token is `config` (the run fails and the connection shows the error), Slack's own
 * trouble is `transient`, anything else is `provider`. 429 with `Retry-After` never reaches this code: the client
 * waits and retries it.
 */

export type SlackObject = Record<string, unknown>;

export interface SlackBody {
  ok?: unknown;
  error?: unknown;
  needed?: unknown;
  provided?: unknown;
  response_metadata?: { next_cursor?: unknown };
  [key: string]: unknown;
}

/** The token is wrong, gone or lacks what the method needs: no retry helps, the user must act. */
const configErrors = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
  'ekm_access_denied',
  'org_login_required',
  'enterprise_is_restricted',
  'two_factor_setup_required',
  'access_denied',
]);

/** Slack's documented "try again" errors. */
const transientErrors = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

const transientRetries = 2;

export function slackErrorKind(error: string): HttpErrorKind {
  if (configErrors.has(error)) return 'config';
  if (transientErrors.has(error)) return 'transient';
  return 'provider';
}

/** What Slack's common refusals mean, added to the error message. */
const hints: Record<string, string> = {
  invalid_auth: 'the token is not valid for any workspace',
  not_authed: 'no token was sent',
  account_inactive: 'the token belongs to a deleted user or an uninstalled app',
  token_revoked: 'the token was revoked',
  token_expired: 'the token expired (token rotation is on and it was not refreshed)',
  not_in_channel: 'the bot is not a member of the channel',
  channel_not_found: 'no such channel, or the bot cannot see it',
};

/** The refusal as an error message: Slack's code first (what its docs and the user search for). */
function describe(method: string, body: SlackBody): string {
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  let message = `${error}: Slack refused ${method}`;
  if (hints[error]) message += ` (${hints[error]})`;
  if (error === 'missing_scope' && typeof body.needed === 'string') {
    message += ` (the token needs the scope ${body.needed}${typeof body.provided === 'string' ? `; it has ${body.provided}` : ''})`;
  }
  return message;
}

type ErrorRule = NonNullable<StreamSpecInput['errors']>[number];

/**
 * The same judgement as `callSlack`'s, as the error rules of a described stream over `method`: Slack's "try
 * again" errors retried twice, a refused token a config error, any other `ok: false` a provider error, each
 * message led by Slack's code. (`missing_scope` names `needed` and `provided`, which Slack always sends with it.)
 */
export function slackErrorRules(method: string): ErrorRule[] {
  const refused = (error: string): ErrorRule => ({ status: [200], body: { path: 'error', equals: error }, action: 'fail', kind: slackErrorKind(error), message: `${error}: Slack refused ${method} (${hints[error]})` });
  return [
    { status: [200], body: { path: 'error', in: [...transientErrors] }, action: 'retry', max_retries: transientRetries, backoff_ms: 1000, message: `{{body.error}}: Slack refused ${method}` },
    ...Object.keys(hints).map(refused),
    { status: [200], body: { path: 'error', equals: 'missing_scope' }, action: 'fail', kind: 'config', message: `missing_scope: Slack refused ${method} (the token needs the scope {{body.needed}}; it has {{body.provided}})` },
    { status: [200], body: { path: 'error', in: [...configErrors] }, action: 'fail', kind: 'config', message: `{{body.error}}: Slack refused ${method}` },
    { status: [200], body: { path: 'ok', not_equals: true }, action: 'fail', kind: 'provider', message: `{{body.error|unknown_error}}: Slack refused ${method}` },
  ];
}

export function slackError(method: string, body: SlackBody, url: string): HttpError {
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  return new HttpError({ kind: slackErrorKind(error), code: 'http_status', status: 200, url, message: describe(method, body) });
}

export interface CallOptions {
  /** Errors answered to the caller as `{ ok: false, error }` rather than thrown (e.g. `not_in_channel`). */
  accept?: string[];
}

/** `GET /<method>?…` with the connection's token; the body when `ok`, or an accepted refusal. */
export async function callSlack<T extends SlackBody = SlackBody>(
  ctx: Pick<StreamContext, 'http' | 'signal'>,
  method: string,
  params: Record<string, QueryValue>,
  options: CallOptions = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await ctx.http.get<T>(`/${method}`, params, { signal: ctx.signal });
    const body = (response.body ?? {}) as T;
    if (typeof body !== 'object' || body === null) {
      throw new HttpError({ kind: 'provider', code: 'invalid_response', status: response.status, url: response.url, message: `invalid_response: ${method} did not answer with a JSON object` });
    }
    if (body.ok === true) return body;
    const error = typeof body.error === 'string' ? body.error : '';
    if (options.accept?.includes(error)) return body;
    if (slackErrorKind(error) === 'transient' && attempt < transientRetries) {
      await sleep(1000 * 2 ** attempt, ctx.signal);
      continue;
    }
    throw slackError(method, body, response.url);
  }
}

/** `response_metadata.next_cursor`, or null on the last page (Slack sends an empty string there). */
export function nextCursorOf(body: SlackBody): string | null {
  const next = body.response_metadata?.next_cursor;
  return typeof next === 'string' && next !== '' ? next : null;
}

export function objectsOf(value: unknown): SlackObject[] {
  return Array.isArray(value) ? value.filter((item): item is SlackObject => typeof item === 'object' && item !== null) : [];
}

/** Slack's recommended page size for cursor-paginated methods. */
export const pageSize = 200;
