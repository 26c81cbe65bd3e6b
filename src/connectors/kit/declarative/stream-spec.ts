import { z } from 'zod';
import type { HttpResponse, QueryValue } from '../../../http-client/index.js';
import type { StreamContext, StreamState } from '../../../contracts/connector-kit.js';

/**
 * A stream described instead of coded: the request, where the records sit in the body, how pages follow, how an
 * incremental read starts where the last one stopped, which partitions it walks, how the provider reports
 * deletions and refusals, and what to change in each record. `declarativeStreams` turns descriptions into stream
 * readers; a mistake in one is an error at start naming the connector, the stream and the field.
 *
 * Templates (`{{ … }}` in paths, query, body and header values) read `config.<key>` (the connection's config),
 * `partition.<key>` (the partition being read) and `cursor` (the incremental position to send, formatted as
 * `incremental.format` says). A query value that resolves to an empty string is left out, so an optional
 * config value can name an optional parameter.
 */

/** A path into JSON: `data`, `page.cursor`, `response_metadata.next_cursor`, or the segments as an array. */
export const JsonPathSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export type JsonPath = z.infer<typeof JsonPathSchema>;

const templateValue = z.union([z.string(), z.number(), z.boolean()]);

/** How a datetime cursor is written: ISO 8601 (with or without milliseconds), Unix seconds or milliseconds, a date. */
export const CursorFormatSchema = z.enum(['iso', 'iso_seconds', 'unix_seconds', 'unix_ms', 'date']);
export type CursorFormat = z.infer<typeof CursorFormatSchema>;

/** What one request looks like; values may hold templates. */
export const RequesterSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  /** Relative to the connection's base URL, e.g. `/people` or `/calendars/{{partition.id}}/events`. */
  path: z.string().min(1),
  query: z.record(z.string(), templateValue).default({}),
  /** A JSON body (POST): values are templates, nested objects allowed. */
  body: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).default({}),
});

/** A condition on one value of a record or a body. */
export const ConditionSchema = z.strictObject({
  path: JsonPathSchema,
  equals: z.unknown().optional(),
  not_equals: z.unknown().optional(),
  in: z.array(z.unknown()).optional(),
  not_in: z.array(z.unknown()).optional(),
  exists: z.boolean().optional(),
  /** Only records whose value is listed in this config key (a list or a comma-separated string); all when it is empty. */
  in_config: z.string().min(1).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

/** Where a page's records are, and which to keep. */
export const RecordSelectorSchema = z.strictObject({
  /** Omitted: the body itself is the array of records (GitHub's lists). */
  path: JsonPathSchema.optional(),
  /** Kept only when every condition holds. */
  filter: z.array(ConditionSchema).default([]),
});

/**
 * How pages follow each other. Each kind saves, between pages, the position to resume from under the state key
 * `resume_key` (defaults: `next` for cursors and URLs, `offset`, `page`).
 * - `cursor`: an opaque token from the body (`next`), sent back as `param` in the query or JSON body (Stripe,
 *   Slack, Deel's `after_cursor`, Google's `pageToken`: the "next page token in body" kind);
 * - `next_url`: the body holds the next page's URL (Graph `@odata.nextLink`);
 * - `link_header`: RFC 8288 `Link: <…>; rel="next"` (GitHub);
 * - `offset`: `offset_param`/`limit_param`, ending on a short or empty page or at `total` in the body;
 * - `page`: `page_param` numbered from `first_page`, ending where `has_more` says or on a short page;
 * - `keyset`: no token at all: the next page is the same request again from the last record's cursor value
 *   (needs an `incremental` cursor sent to the provider and results sorted by it). With `size` (the records a
 *   page holds), a shorter page is the last; with `page_param` too, a full page that does not move the cursor
 *   (more records share one instant than a page holds, GitHub's `since`) is followed by the same request with
 *   this page number (2, 3, …) until the cursor moves, saved as `page` beside the cursor;
 * - `none`: one request.
 */
export const PaginatorSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('cursor'),
    param: z.string().min(1),
    next: JsonPathSchema,
    in: z.enum(['query', 'body']).default('query'),
    /** Also stop when the body says so (`has_more: false`, `isLast: true`, `end_of_stream: true`). */
    stop_when: ConditionSchema.optional(),
    /** Stop at the first page without records even if it names a next one (a provider that never says it is done). */
    stop_on_empty_page: z.boolean().default(true),
    resume_key: z.string().min(1).default('next'),
  }),
  z.strictObject({ type: z.literal('next_url'), next: JsonPathSchema, resume_key: z.string().min(1).default('next') }),
  z.strictObject({ type: z.literal('link_header'), resume_key: z.string().min(1).default('next') }),
  z.strictObject({
    type: z.literal('offset'),
    offset_param: z.string().min(1),
    limit_param: z.string().min(1),
    limit: z.number().int().positive(),
    /** Where the body says how many there are. */
    total: JsonPathSchema.optional(),
    /** A page shorter than `limit` is the last (turn off for providers that cap pages below the limit asked). */
    short_page_ends: z.boolean().default(true),
    stop_when: ConditionSchema.optional(),
    resume_key: z.string().min(1).default('offset'),
  }),
  z.strictObject({
    type: z.literal('page'),
    page_param: z.string().min(1),
    first_page: z.number().int().min(0).default(1),
    size_param: z.string().min(1).optional(),
    size: z.number().int().positive().optional(),
    /** A condition that holds while more pages follow; without it a page shorter than `size` is the last. */
    has_more: ConditionSchema.optional(),
    resume_key: z.string().min(1).default('page'),
  }),
  z.strictObject({ type: z.literal('keyset'), size: z.number().int().positive().optional(), page_param: z.string().min(1).optional() }),
  z.strictObject({ type: z.literal('none') }),
]);
export type PaginatorSpec = z.infer<typeof PaginatorSchema>;

/**
 * How an incremental read starts where the last one stopped.
 * - `datetime`: a record field holding when it last changed. `send` says how the provider is asked for what
 *   changed since the cursor (a query parameter, or a filter expression with `{{cursor}}` in a parameter);
 *   without `send` the whole list is read and filtered here. `sorted` says the provider returns records oldest
 *   change first, so the cursor can move after every page; otherwise it moves when the walk ends, and never past
 *   the moment the walk began (a record changed behind the walk is read next time). `lookback_seconds` re-reads a
 *   margin for providers whose timestamps lag; `granularity` is what the provider's filter understands (JQL:
 *   minutes), so the sent value is rounded down and records at the cursor already read are skipped by id.
 * - `token`: the provider hands out a position (a sync token, a delta link, a history id, an export cursor) on a
 *   page (`from`), to send back as `param` (or, `as: 'url'`, to follow as the next request's URL); the first
 *   read sends `initial` instead. `expired` lists the answers meaning the provider forgot the position: the
 *   stream then reads everything again and says so (a restart), so the engine removes what is gone.
 */
export const IncrementalSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('datetime'),
    field: JsonPathSchema,
    format: CursorFormatSchema.default('iso'),
    send: z
      .union([
        z.strictObject({ param: z.string().min(1) }),
        z.strictObject({ param: z.string().min(1), expression: z.string().min(1), otherwise: z.string().optional() }),
      ])
      .optional(),
    sorted: z.boolean().default(false),
    lookback_seconds: z.number().int().min(0).default(0),
    granularity: z.enum(['ms', 'second', 'minute', 'day']).default('ms'),
  }),
  z.strictObject({
    type: z.literal('token'),
    /** Where the page carries the position (usually only the last page does). */
    from: JsonPathSchema,
    param: z.string().min(1).optional(),
    as: z.enum(['param', 'url']).default('param'),
    /** Query parameters for a read without a position (e.g. `{ start_time: 0 }`); `{{cursor}}` is a hand-set date. */
    initial: z.record(z.string(), templateValue).default({}),
    /** How a hand-set date cursor is written into `initial` (`{{cursor}}`). */
    cursor_format: CursorFormatSchema.default('iso'),
    /** The page that carries the position is the last: stop there even if a next page is named. */
    stop_at_token: z.boolean().default(false),
    expired: z.array(z.strictObject({ status: z.number().int(), body: ConditionSchema.optional() })).default([]),
    state_key: z.string().min(1).default('token'),
  }),
]);
export type IncrementalSpec = z.infer<typeof IncrementalSchema>;

/**
 * Parent → child: the stream is read once per partition (a repository, a calendar, a channel), each with its own
 * state under `state_key`. Partitions come from a config list, or from another request (`parent`), or both: the
 * configured ones, or the parent's when the config lists none ("these repositories, or every one the token
 * can read"). Each partition is called `partition.id` in templates and keyed by its id in state.
 */
export const PartitionsSchema = z.strictObject({
  config: z.string().min(1).optional(),
  parent: z
    .strictObject({
      requester: RequesterSchema,
      records: RecordSelectorSchema,
      paginator: PaginatorSchema.default({ type: 'none' }),
      /** The partition's id in the parent record. */
      id: JsonPathSchema,
    })
    .optional(),
  state_key: z.string().min(1).default('partitions'),
});

/** How the provider reports deletions. */
export const DeletionsSchema = z.discriminatedUnion('type', [
  /** Records matching the condition are deletions of their primary key (`status: "deleted"`, `@removed`). */
  z.strictObject({ type: z.literal('flag'), when: ConditionSchema }),
  /** After an incremental read, another endpoint lists what was deleted since the same cursor. */
  z.strictObject({
    type: z.literal('endpoint'),
    requester: RequesterSchema,
    records: RecordSelectorSchema,
    paginator: PaginatorSchema.default({ type: 'none' }),
    id: JsonPathSchema,
  }),
]);

/** What an answer means: `retry` (with backoff), `ignore` (an empty page), `reauth` and `fail` (the run fails). */
export const ErrorRuleSchema = z.strictObject({
  status: z.array(z.number().int()).optional(),
  body: ConditionSchema.optional(),
  action: z.enum(['retry', 'ignore', 'reauth', 'fail']),
  /** For `fail`: how the engine treats it (default `provider`). */
  kind: z.enum(['config', 'transient', 'provider']).default('provider'),
  /** The error message; `{{body.<path>}}` reads the answer (`{{body.<path>|<fallback>}}` when it may lack the value). */
  message: z.string().optional(),
  max_retries: z.number().int().min(0).max(10).default(3),
  /** For `retry`: the first wait; each next one doubles. */
  backoff_ms: z.number().int().min(0).max(60_000).default(1000),
});

/** Changes to each record before it is kept. */
export const TransformSchema = z.union([
  z.strictObject({ add: z.strictObject({ path: JsonPathSchema, value: z.unknown() }) }),
  z.strictObject({ remove: JsonPathSchema }),
  z.strictObject({ rename: z.strictObject({ from: JsonPathSchema, to: JsonPathSchema }) }),
]);

/**
 * A record as read, and what a hook may return.
 *
 * @example
 * ```ts
 * const record: JsonRecord = { id: 'r1', updated_at: '2024-03-01T00:00:00Z' };
 * ```
 */
export type JsonRecord = Record<string, unknown>;

/**
 * The request about to be sent, as a `request` hook may change it.
 *
 * @example
 * ```ts
 * const request: DescribedRequest = { method: 'GET', path: '/people', query: { limit: 99 }, headers: {} };
 * ```
 */
export interface DescribedRequest {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, QueryValue>;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * Small functions for the steps data cannot say. `request` changes a request before it is sent; `page` reads a
 * page's records in place of the record selector; `record` maps one record (null drops it); `partitions` checks,
 * normalises or defaults the partition ids listed (a folder name's case, "inbox" when none); `state` reads a
 * stored state of an older format (a hand-written reader's, before the stream was described) into the described
 * format, so existing connections resume where they were — the migration of a state format.
 *
 * @example
 * ```ts
 * const hooks: StreamHooks = {
 *   // Jira wants `keys=` repeated, one per configured project: the query object holds one value per name.
 *   request: (request, ctx) => ({ ...request, path: `${request.path}?${configList(ctx.config, 'projects').map((k) => `keys=${encodeURIComponent(k)}`).join('&')}` }),
 *   record: (record) => (record['is_bot'] === true ? null : record),
 * };
 * ```
 */
export interface StreamHooks {
  request?: (request: DescribedRequest, ctx: StreamContext) => DescribedRequest;
  page?: (response: HttpResponse<unknown>, ctx: StreamContext) => JsonRecord[];
  record?: (record: JsonRecord, ctx: StreamContext) => JsonRecord | null;
  partitions?: (ids: string[], ctx: StreamContext) => string[];
  state?: (state: StreamState) => StreamState;
}

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

export const StreamSpecSchema = z.strictObject({
  requester: RequesterSchema,
  records: RecordSelectorSchema.default({ filter: [] }),
  paginator: PaginatorSchema.default({ type: 'none' }),
  incremental: IncrementalSchema.optional(),
  partitions: PartitionsSchema.optional(),
  deletions: DeletionsSchema.optional(),
  errors: z.array(ErrorRuleSchema).default([]),
  transform: z.array(TransformSchema).default([]),
  hooks: z.strictObject({ request: fn.optional(), page: fn.optional(), record: fn.optional(), partitions: fn.optional(), state: fn.optional() }).default({}),
});

/**
 * A stream's description as a connector writes it (defaults may be left out).
 *
 * @example
 * ```ts
 * const contracts: StreamSpecInput = {
 *   requester: { path: '/contracts', query: { limit: 99 } },
 *   records: { path: 'data' },
 *   paginator: { type: 'cursor', param: 'after_cursor', next: 'page.cursor', resume_key: 'after_cursor' },
 * };
 * ```
 */
export type StreamSpecInput = Omit<z.input<typeof StreamSpecSchema>, 'hooks'> & { hooks?: StreamHooks };
/** A checked description, defaults filled. */
export type StreamSpec = Omit<z.output<typeof StreamSpecSchema>, 'hooks'> & { hooks: StreamHooks };
export type ErrorRule = z.output<typeof ErrorRuleSchema>;
export type Transform = z.output<typeof TransformSchema>;
export type RequesterSpec = z.output<typeof RequesterSchema>;
export type RecordSelectorSpec = z.output<typeof RecordSelectorSchema>;
export type PartitionsSpec = z.output<typeof PartitionsSchema>;
export type DeletionsSpec = z.output<typeof DeletionsSchema>;
