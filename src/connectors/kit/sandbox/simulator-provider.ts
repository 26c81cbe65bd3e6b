import type { JsonRecord } from '../declarative/stream-spec.js';
import type { ActiveFault } from './faults.js';
import type { SandboxOAuth } from './oauth-server.js';
import type { RecordStore } from './record-store.js';
import type { FieldOverride } from './schema-records.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-http.js';

/**
 * What a provider looks like to the generic simulator beyond its stream descriptions: its error bodies, its page
 * envelope, its rate-limit headers, the credentials it expects, and its quirks as small overrides. Everything
 * has a default, so `{ name: 'acme' }` serves a plain JSON API.
 */

/**
 * Why the simulator refuses a request; the provider's `errorBody` renders each its own way.
 *
 * @example
 * ```ts
 * const type = (code: SimulatorErrorCode) => (code === 'unauthorized' ? 'authentication_error' : 'invalid_request_error');
 * ```
 */
export type SimulatorErrorCode = 'unauthorized' | 'not_found' | 'bad_request' | 'invalid_cursor' | 'expired' | 'rate_limited' | 'server_error';

/**
 * What an override can reach: the stores, the provider's error bodies, the API base path.
 *
 * @example
 * ```ts
 * const one: SimulatorOverride = (req, ctx: SimulatorContext) => {
 *   const entry = ctx.store('people').get(req.url.pathname.split('/').pop() ?? '');
 *   return entry ? { status: 200, body: entry.record } : ctx.error(404, 'not_found', 'no such person');
 * };
 * ```
 */
export interface SimulatorContext {
  store(stream: string): RecordStore;
  error(status: number, code: SimulatorErrorCode, message: string): SandboxResponse;
  /** The API base path (`/rest/v2`), from the manifest's `base_url`. */
  basePath: string;
}

/**
 * One extra route: answers the requests it knows (after the auth check), undefined for the rest.
 *
 * @example
 * ```ts
 * const me: SimulatorOverride = (req) => (req.url.pathname === '/v1/me' ? { status: 200, body: { id: 'u_1' } } : undefined);
 * ```
 */
export type SimulatorOverride = (req: SandboxRequest, ctx: SimulatorContext) => SandboxResponse | undefined;

/**
 * A provider as the simulator serves it (see the header above).
 *
 * @example
 * ```ts
 * const acme: SimulatorProvider = {
 *   name: 'acme',
 *   errorBody: (status, code, message) => ({ error: { type: code, message } }),
 *   envelope: () => ({ object: 'list' }),
 *   rateLimit: { limit: 100, windowSeconds: 60, headers: { limit: 'x-rate-limit', remaining: 'x-rate-remaining', reset: 'x-rate-reset' } },
 * };
 * ```
 */
export interface SimulatorProvider {
  name: string;
  /** The body of a refusal. Default `{ error: { code, message } }`. */
  errorBody?: (status: number, code: SimulatorErrorCode, message: string) => unknown;
  /** The status a refusal is sent with, when the provider's differs (Slack: 200 with `ok: false`). Default: as is. */
  errorStatus?: (status: number, code: SimulatorErrorCode) => number;
  /** Fields added to every list page besides the records and the paging fields (Stripe's `object: 'list'`). */
  envelope?: (page: { stream: string; req: SandboxRequest; last: boolean; total: number }) => JsonRecord;
  /**
   * The provider's request budget as its headers print it: sent on every answer; a request past `limit` is
   * refused with 429 and `Retry-After` only when the sandbox options ask for it (`enforceRateLimit`).
   */
  rateLimit?: {
    limit: number;
    windowSeconds: number;
    /** The header names; `false` when the provider prints no budget (Graph, Deel): a refusal still says Retry-After. */
    headers?: { limit?: string; remaining?: string; reset?: string } | false;
    /** `epoch`: the reset header is when the window resets (GitHub); `seconds`: how long until then. Default epoch. */
    reset?: 'epoch' | 'seconds';
  };
  /** Page sizes for paginators without their own size (cursor, next URL, link header, keyset). */
  pageSize?: { default?: number; max?: number; params?: string[] };
  /** The query parameter that carries a position in next-page URLs and Link headers. Default `page_token`. */
  pageTokenParam?: string;
  /** Credential field values the manifest's auth templates are filled with; any other field is the sandbox token. */
  fields?: Record<string, string>;
  /** Connection config values for `{{config.x}}` in auth templates. */
  config?: Record<string, unknown>;
  /** Partition ids per stream for partitions read from config (`partitions.config`). Default `p1`, `p2`, `p3`. */
  partitions?: Record<string, string[]>;
  /**
   * Per stream, the record's key (its single primary key) from its index, when the provider's ids are a function of
   * it (Exchange item ids): the record carries it, and a store knows its keys without making records, so a large
   * sandbox starts at once.
   */
  keys?: Record<string, (index: number) => string | number>;
  /**
   * Per stream, records the provider draws itself in place of the schema-made ones (its index, its cursor moment):
   * for a provider whose own renderer writes every field, so no record is made from the schema only to be thrown
   * away (at 100,000 records, seconds at start). The record must hold the primary key; the cursor is set after.
   */
  draw?: Record<string, (index: number, at: number) => JsonRecord>;
  /** Per stream, fields the schema cannot make plausible: dotted path → value. */
  fieldOverrides?: Record<string, Record<string, FieldOverride>>;
  /**
   * The provider's authorization server: its paths are served, the sandbox token is one of its static tokens,
   * and any access token it issued is accepted as a bearer token besides the manifest's own way.
   */
  oauth?: SandboxOAuth;
  /**
   * The credential check, for a provider whose rules the manifest cannot say (several hosts each with its own
   * credentials, anonymous access, user names compared without case): a refusal, or undefined to serve the
   * request. It replaces the manifest's check and the OAuth server's tokens, which the provider checks itself.
   */
  authorize?: (req: SandboxRequest, ctx: SimulatorContext) => SandboxResponse | undefined;
  /**
   * The stores of streams hand-written readers read (no description to serve them from), made by the provider
   * and served by its overrides: `ctx.store`, `POST /_sandbox/changes` and info's counts know them as they know
   * the described streams' stores.
   */
  stores?: Record<string, RecordStore>;
  /**
   * An injected fault in the provider's own words and shape: its kinds (Graph's `ApplicationThrottled` for a
   * mailbox's concurrency limit; Google's 403 `userRateLimitExceeded`, alternating with `fault.occurrence`) or headers an
   * error body cannot carry (Jira's Retry-After). Undefined: the simulator's 429/5xx.
   */
  fault?: (fault: ActiveFault, req: SandboxRequest) => SandboxResponse | undefined;
  /** Another way the provider takes a credential besides the manifest's (Google's `access_token` query parameter). */
  accepts?: (req: SandboxRequest) => boolean;
  /** Extra routes, tried in order before the described streams. */
  overrides?: Record<string, SimulatorOverride>;
  /**
   * The last word on every API answer (refusals and faults included), for what only the request can tell: Deel
   * echoes the request and a request id in its error bodies. Default: as is.
   */
  finish?: (res: SandboxResponse, req: SandboxRequest) => SandboxResponse;
  /**
   * `POST /_sandbox/changes` when one stream's change touches others (a new hire brings a contract); undefined
   * leaves the change to the stream's store.
   */
  changes?: (change: { stream: string; create: number; update: number; delete: number }, ctx: SimulatorContext) => JsonRecord | undefined;
  /** Fields added to `GET /_sandbox/info` (an organization's name, live records per partition from the stores). */
  info?: (ctx: SimulatorContext) => JsonRecord;
}

/**
 * The default refusal body, `{ error: { code, message } }`.
 *
 * @example
 * ```ts
 * defaultErrorBody(401, 'unauthorized', 'Invalid token'); // { error: { code: 'unauthorized', message: 'Invalid token' } }
 * ```
 */
export function defaultErrorBody(_status: number, code: SimulatorErrorCode, message: string): unknown {
  return { error: { code, message } };
}
