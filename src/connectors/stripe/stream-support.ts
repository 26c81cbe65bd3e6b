import { cursorMs, HttpError, type HttpResponse, isHttpError, isObject, type LenientState, lenientState, type StreamState } from '../kit/index.js';

/** What the Stripe streams share: list bodies, the stream state, time and error helpers. */

export type StripeObject = Record<string, unknown>;

/** Stripe's largest page. */
export const pageSize = 100;

/** Stripe keeps events for 30 days; a cursor older than this (with an hour to spare) cannot be caught up from. */
export const eventRetentionSeconds = 30 * 24 * 3600 - 3600;

/** `{ object: 'list', data, has_more, url }`. */
export interface StripeList {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

export function listOf(body: unknown): StripeList {
  const value = isObject(body) ? body : {};
  return {
    object: 'list',
    data: Array.isArray(value['data']) ? (value['data'] as unknown[]).filter(isObject) : [],
    has_more: value['has_more'] === true,
    url: typeof value['url'] === 'string' ? value['url'] : '',
  };
}

/** Stripe's list paging: `starting_after` the last id of a page, while `has_more` says more follow. */
export function nextStartingAfter(response: HttpResponse<unknown>): string | null {
  const list = listOf(response.body);
  const last = list.data.at(-1)?.['id'];
  return list.has_more && typeof last === 'string' ? last : null;
}

/** Where the events feed stands: the last event applied (or, with no event yet, a time to start from). */
export interface Position {
  /** Unix seconds: events created at or after it are still to be read when there is no `event_id`. */
  cursor: number;
  event_id?: string;
}

/** A full read in progress: the list page to continue from and the event position it will leave behind. */
export interface ListPass {
  full: boolean;
  starting_after?: string;
  after: Position;
}

export interface StripeState {
  position: Position | null;
  pass?: ListPass;
}

/**
 * A cursor from state: Unix seconds (number or numeric string) or an ISO 8601 date (set by hand through
 * `PATCH /connections/:id/state`).
 */
export function parseCursor(value: unknown): number | null {
  const ms = cursorMs(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function readPosition(saved: LenientState | null): Position | null {
  const cursor = saved === null ? null : parseCursor(saved.raw['cursor']);
  if (saved === null || cursor === null) return null;
  const eventId = saved.text('event_id');
  return eventId === null ? { cursor } : { cursor, event_id: eventId };
}

/** The saved state, read leniently: what cannot be read is no position (a full read) or no pass. */
export function readState(state: StreamState | null): StripeState {
  const saved = lenientState(state);
  const position = readPosition(saved);
  const pass = saved.object('pass');
  const after = readPosition(pass?.object('after') ?? null);
  if (!pass || !after) return { position };
  const startingAfter = pass.text('starting_after');
  return { position, pass: { full: pass.flag('full') === true, after, ...(startingAfter === null ? {} : { starting_after: startingAfter }) } };
}

/** The state JSON: the position's fields at the top (so a hand-set `{ cursor }` reads the same), plus any pass. */
export function stateOf(position: Position | null, pass?: ListPass): StreamState {
  const out: StreamState = position ? { ...position } : {};
  if (pass) out['pass'] = { ...pass, after: { ...pass.after } };
  return out;
}

/** The provider's clock from the `Date` header, so a cursor never depends on ours being right. */
export function serverTime(response: HttpResponse<unknown>): number {
  const ms = Date.parse(response.headers['date'] ?? '');
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

/** Stripe's error body `{ error: { type, code?, message, param?, doc_url? } }`, when there is one. */
export function stripeErrorOf(body: unknown): { type?: string; code?: string; message?: string; param?: string } | null {
  if (!isObject(body) || !isObject(body['error'])) return null;
  const error = body['error'];
  const text = (key: string) => (typeof error[key] === 'string' ? (error[key] as string) : undefined);
  const out: { type?: string; code?: string; message?: string; param?: string } = {};
  for (const key of ['type', 'code', 'message', 'param'] as const) {
    const value = text(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** An answer let through with `acceptStatus` that the stream cannot use: fail like the client would have. */
export function refusal(response: HttpResponse<unknown>): HttpError {
  const error = stripeErrorOf(response.body);
  const detail = maskKeys(error?.message ?? `status ${response.status}`);
  return new HttpError({
    kind: response.status >= 500 ? 'transient' : [400, 401, 403, 404].includes(response.status) ? 'config' : 'provider',
    code: 'http_status',
    status: response.status,
    url: response.url,
    message: `http_status: GET ${response.url.replace(/[?#].*$/s, '')} returned ${response.status}: ${detail.slice(0, 300)}`,
  });
}

/**
 * Stripe quotes a refused key with its last four characters (`sk_test_****…abcd`). The toolkit already removes
 * the whole key; this removes the tail too, so no part of a credential reaches a run's error.
 */
export function maskKeys(text: string): string {
  return text.replace(/\b((?:sk|rk|pk)_(?:test|live)_)\*+[A-Za-z0-9]{1,8}\b/g, '$1****');
}

/** Rethrows a toolkit error with any key tail masked; other errors pass unchanged. */
export function cleanError(error: unknown): unknown {
  if (!isHttpError(error)) return error;
  const message = maskKeys(error.message);
  if (message === error.message) return error;
  return new HttpError({
    kind: error.kind,
    code: error.code,
    message,
    ...(error.url === undefined ? {} : { url: error.url }),
    ...(error.status === undefined ? {} : { status: error.status }),
    attempts: error.attempts,
  });
}

export { isObject };
