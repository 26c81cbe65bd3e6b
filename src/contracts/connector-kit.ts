import type { HttpClient } from '../http-client/http-types.js';
import type { CrmMappingInput } from './crm.js';
import type { ManifestInput, StreamManifest, SyncMode } from './manifest.js';
import type { StreamStateSchema } from './stream-state.js';

/**
 * What a stream's code sees and yields. A connector is a manifest plus one async generator per stream; the
 * engine does batching, hashing, checkpoints, deletes and cancellation, so stream code only talks to the API.
 */

/** A stream's cursor JSON: whatever the stream needs to resume (a timestamp, a sync token, a page token). */
export type StreamState = { [key: string]: unknown };

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

export interface StreamLogger {
  (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
}

export interface StreamContext {
  stream: StreamManifest;
  mode: SyncMode;
  /** The last committed state, or null on a first or full run. */
  state: StreamState | null;
  config: Record<string, unknown>;
  /** Already pointed at the connection's base URL, with credentials, retries and rate limits. */
  http: HttpClient;
  signal: AbortSignal;
  log: StreamLogger;
}

export type StreamReader = (ctx: StreamContext) => AsyncIterable<StreamMessage>;

export interface SandboxOptions {
  port: number;
  host?: string;
  /** Total records of the main stream, spread as the provider would. */
  records: number;
  seed: number;
  /**
   * The seed of the business world the CRM-facing sandboxes (Stripe, QuickBooks, Gmail) share, so the same
   * clients appear in each; independent of `seed`. Default: the sandbox kit's `DEFAULT_WORLD_SEED`.
   */
  world?: number;
  /** The only credential accepted; a printed default when omitted. */
  token?: string;
}

export interface SandboxHandle {
  url: string;
  port: number;
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
 * API base URL from accessible-resources); merged into the connection's config.
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

export interface ConnectorDefinition {
  manifest: ManifestInput;
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
