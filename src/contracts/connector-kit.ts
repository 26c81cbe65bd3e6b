import type { HttpClient } from '../http-client/http-types.js';
import type { CrmMappingInput } from './crm.js';
import type { ManifestInput, StreamManifest, SyncMode } from './manifest.js';
import type { StreamStateSchema } from './stream-state.js';

/**
 * What a stream's code sees and yields. A connector is a manifest plus one async generator per stream; the
 * engine does batching, hashing, checkpoints, deletes and cancellation, so stream code only talks to the API.
 */

/**
 * A stream's cursor JSON: whatever the stream needs to resume (a timestamp, a sync token, a page token). The
 * engine stores the last one a reader yielded and hands it back as `ctx.state`; it may be an older version's,
 * or hand-set (`{ cursor }` only), so a reader reads it as untrusted JSON and treats what it cannot read as no
 * state.
 *
 * @example
 * ```ts
 * function cursorOf(state: StreamState | null): string | null {
 *   return typeof state?.['cursor'] === 'string' ? state['cursor'] : null;
 * }
 * ```
 */
export type StreamState = { [key: string]: unknown };

/**
 * What a stream reader yields: pages of records, checkpoints, deletions, and a restart marker. The engine
 * commits a checkpoint together with the records before it, so a reader yields a `state` after each page it
 * could resume behind.
 *
 * @example
 * ```ts
 * yield { type: 'records', records: live };
 * yield { type: 'deletes', ids: cancelled.map((event) => String(event['id'])) };
 * yield { type: 'state', state: { cursor: newest } };
 * ```
 */
export type StreamMessage =
  /** One page of records, in the provider's order. */
  | { type: 'records'; records: Record<string, unknown>[] }
  /**
   * A checkpoint: every record the stream will need to re-read to resume from `state` has already been
   * yielded. The engine commits it together with the records before it, in one transaction.
   */
  | { type: 'state'; state: StreamState }
  /** The provider reports these source ids deleted (events, tombstones, cancelled items). */
  | { type: 'deletes'; ids: string[] }
  /**
   * An incremental read lost its place at the provider (an expired history id, sync token or event window) and
   * starts reading the stream complete: every live record follows before the stream ends, so the engine
   * soft-deletes, at the end of a successful stream, the rows it did not see — as a full refresh does. Only for
   * a complete read that starts from the beginning now: one resumed half way (after a crash) must not say it,
   * since the records of its first half were seen by another run.
   */
  | { type: 'restart' };

/** How a stream reader logs: through the run's log, each message prefixed with the stream's name. */
export interface StreamLogger {
  (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
}

/**
 * Everything a stream reader gets for one read: its manifest entry, the sync mode, the last committed state,
 * the connection's config, an HTTP client already pointed at the provider with credentials, an abort signal that
 * fires on cancellation, and a logger. A reader reaches the provider only through `ctx.http`.
 *
 * @example
 * ```ts
 * const readUsers: StreamReader = async function* (ctx) {
 *   const since = ctx.mode === 'incremental' && typeof ctx.state?.['cursor'] === 'string' ? ctx.state['cursor'] : null;
 *   const res = await ctx.http.get<{ users: Record<string, unknown>[] }>('/users', { since }, { signal: ctx.signal });
 *   ctx.log('debug', 'users page', { count: res.body.users.length });
 *   yield { type: 'records', records: res.body.users };
 * };
 * ```
 */
export interface StreamContext {
  /** This stream's entry of the manifest (name, primary key, cursor field, JSON Schema). */
  stream: StreamManifest;
  /** `incremental` reads on from `state`; `full_refresh` reads everything (and `state` is null). */
  mode: SyncMode;
  /** The last committed state, or null on a first or full run. */
  state: StreamState | null;
  /** The connection's config values (`config_fields` of the manifest), as stored: validate what you read. */
  config: Record<string, unknown>;
  /** Already pointed at the connection's base URL, with credentials, retries and rate limits. */
  http: HttpClient;
  /** Aborted when the run is cancelled; pass it to every request. */
  signal: AbortSignal;
  log: StreamLogger;
}

/**
 * One stream's code: an async generator from a context to messages. The engine does batching, hashing,
 * checkpoints, deletes and cancellation; the reader only talks to the API and says where it may resume.
 *
 * @example
 * ```ts
 * type ProjectList = { values: Record<string, unknown>[]; next?: string };
 *
 * export const projects: StreamReader = async function* (ctx) {
 *   const pages = paginateCursor<ProjectList>(ctx.http, { url: '/projects', signal: ctx.signal }, {
 *     cursorParam: 'cursor',
 *     nextCursor: (res) => res.body.next,
 *   });
 *   for await (const page of pages) yield { type: 'records', records: page.response.body.values };
 * };
 * ```
 */
export type StreamReader = (ctx: StreamContext) => AsyncIterable<StreamMessage>;

/**
 * How to start a connector's sandbox (its local simulator of the provider's API): the port, the number of
 * records of its main stream, and the seeds that make its data deterministic. `tributary sandbox <connector>`
 * and the tests build it; every sandbox factory receives it.
 *
 * @example
 * ```ts
 * const sandbox = await createGithubSandbox({ port: 0, records: 500, seed: 42 });
 * ```
 */
export interface SandboxOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Total records of the main stream, spread as the provider would. */
  records: number;
  /** The seed of this sandbox's own data: the same seed, the same records. */
  seed: number;
  /**
   * The seed of the business world the CRM-facing sandboxes (Stripe, QuickBooks, Gmail) share, so the same
   * clients appear in each; independent of `seed`. Default: the sandbox kit's `DEFAULT_WORLD_SEED`.
   */
  world?: number;
  /** The only credential accepted; a printed default when omitted. */
  token?: string;
}

/**
 * A running sandbox: where it listens, the one credential it accepts, its OAuth app when the provider uses
 * OAuth, the connection config that reaches it, and `close()`.
 *
 * @example
 * ```ts
 * const sandbox: SandboxHandle = await createGithubSandbox({ port: 0, records: 200, seed: 7 });
 * try {
 *   const http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: `Bearer ${sandbox.token}` } });
 *   // … read streams against it
 * } finally {
 *   await sandbox.close();
 * }
 * ```
 */
export interface SandboxHandle {
  /** The sandbox's origin, `http://127.0.0.1:<port>`; the API base may add a path (see `connectConfig.base_url`). */
  url: string;
  port: number;
  /** The only credential the sandbox accepts. */
  token: string;
  /** OAuth providers: the sandbox's own OAuth app and endpoints (absolute URLs on the sandbox). */
  oauth?: { client_id: string; client_secret: string; authorization_url: string; token_url: string; revocation_url?: string };
  /** The connection config that reaches this sandbox (`base_url`, and for OAuth the endpoint overrides). */
  connectConfig?: Record<string, unknown>;
  close(): Promise<void>;
}

export type SandboxFactory = (options: SandboxOptions) => Promise<SandboxHandle>;

/** What a connector may learn right after an OAuth code exchange, to finish setting the connection up. */
export interface AfterAuthorizationContext {
  /** Authenticated with the new access token, pointed at the connection's base URL, SSRF-guarded. */
  http: HttpClient;
  /** The provider's redirect parameters (Intuit's `realmId`), without the code and state. */
  callback: URLSearchParams;
  config: Record<string, unknown>;
}

/**
 * Config values found after authorizing (QuickBooks: the realm id from the redirect; Jira: the cloud id and its
 * API base URL from accessible-resources); merged into the connection's config, which is then validated again.
 * A throw keeps the tokens but leaves the connection not set up, its message shown to the user ("Authorized, but
 * setting the connection up failed: …").
 *
 * @example
 * ```ts
 * export const afterAuthorization: AfterAuthorization = async ({ callback, config }) => {
 *   const realmId = callback.get('realmId');
 *   if (realmId && /^\d{1,32}$/.test(realmId)) return { realm_id: realmId };
 *   if (typeof config['realm_id'] === 'string' && config['realm_id'] !== '') return {};
 *   throw new Error('the QuickBooks redirect carried no realmId (company id); reconnect and pick a company');
 * };
 * ```
 */
export type AfterAuthorization = (ctx: AfterAuthorizationContext) => Promise<Record<string, unknown>>;

/**
 * How the provider signs the webhooks it sends (Stripe's `Stripe-Signature`). With the signing secret in the
 * connection's credential field `secret_field`, a delivery to the connection's webhook URL must carry a valid
 * signature over its raw body, or it is refused before anything runs.
 */
export interface WebhookSignature {
  secret_field: string;
  verify(input: { rawBody: Buffer; headers: Record<string, string | string[] | undefined>; secret: string }): { ok: true } | { ok: false; reason: string };
}

/**
 * A connector: its manifest (data), one stream reader per manifest stream, and optionally a sandbox, an
 * after-authorization hook, webhook signature checking, default CRM mappings and hand-set cursor schemas. Each
 * connector's `index.ts` exports one; `src/connectors/index.ts` lists them all, and the catalog validates them at
 * start.
 *
 * @example
 * ```ts
 * export const github: ConnectorDefinition = {
 *   manifest,
 *   streams: { repositories, issues, pull_requests: pullRequests },
 *   stateSchemas: { issues: handSetState(cursorKinds.isoDate) },
 *   crm: crmMapping,
 *   sandbox: createGithubSandbox,
 * };
 * ```
 */
export interface ConnectorDefinition {
  manifest: ManifestInput;
  /** Keyed by the manifest's stream names; every stream needs a reader. */
  streams: Record<string, StreamReader>;
  sandbox?: SandboxFactory;
  afterAuthorization?: AfterAuthorization;
  webhook?: WebhookSignature;
  /** Default field mappings from this connector's streams to the canonical CRM model (editable per connection). */
  crm?: CrmMappingInput[];
  /**
   * Per incremental stream, the state a hand-set cursor may write (`stream-state.ts`); PATCH /connections/:id/state
   * validates against it. A stream without one accepts any non-empty cursor.
   */
  stateSchemas?: Record<string, StreamStateSchema>;
}
