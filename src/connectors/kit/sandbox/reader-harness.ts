import type { StreamContext, StreamLogger, StreamReader, StreamState } from '../../../contracts/connector-kit.js';
import { ManifestSchema, StreamManifestSchema, type ManifestInput, type SyncMode } from '../../../contracts/manifest.js';
import { createHttpClient, type HttpClientOptions } from '../../../http-client/index.js';

/**
 * Runs a connector's stream readers against its sandbox the way the engine would, for the connectors'
 * streams.test.ts. Every one of them carried its own copy of the context builder and the read loop; one copy
 * keeps their retry pace, secret scrubbing and "the process died after the n-th checkpoint" semantics alike.
 * Only tests import it; it sits in the sandbox kit because every connector's tests need it.
 */

export interface ReaderContextInput {
  manifest: ManifestInput;
  stream: string;
  mode: SyncMode;
  state: StreamState | null;
  /** Default: the manifest's own, as for a connection whose config sets no base URL. */
  baseUrl?: string;
  /** The credential; always scrubbed from error messages, whatever header carries it. */
  token: string;
  /** Default `Bearer <token>`; a provider with another scheme (Jira's Basic) passes the whole header value. */
  authorization?: string;
  config?: Record<string, unknown>;
  /** Default: dropped, so only a test that asserts on logs needs to collect them. */
  log?: StreamLogger;
  onRetry?: HttpClientOptions['onRetry'];
}

export function readerContext(input: ReaderContextInput): StreamContext {
  const parsed = ManifestSchema.parse(input.manifest);
  const stream = parsed.streams.find((s) => s.name === input.stream);
  if (!stream) throw new Error(`manifest ${parsed.id} has no stream ${input.stream}`);
  return {
    stream: StreamManifestSchema.parse(stream),
    mode: input.mode,
    state: input.state,
    config: input.config ?? {},
    http: createHttpClient({
      baseUrl: input.baseUrl ?? parsed.base_url,
      headers: { ...parsed.default_headers, Authorization: input.authorization ?? `Bearer ${input.token}` },
      // The sandboxes' faults are meant to be retried; real back-off would make each such test take seconds.
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      secrets: [input.token],
      onRetry: input.onRetry,
    }),
    signal: new AbortController().signal,
    log: input.log ?? (() => undefined),
  };
}

export interface ReadOptions {
  /**
   * Stop right after the n-th checkpoint, as if the process died there: what follows is never pulled, and
   * `state` is what the engine would have committed, the one a resumed run starts from.
   */
  stopAfterStates?: number;
}

export interface ReadResult {
  records: Record<string, unknown>[];
  deletes: string[];
  states: StreamState[];
  /** The last checkpoint, or null when the reader yielded none. */
  state: StreamState | null;
  /** How many times the reader said it lost its place and reads the stream complete from the start. */
  restarts: number;
}

export async function readAll(reader: StreamReader, ctx: StreamContext, options: ReadOptions = {}): Promise<ReadResult> {
  const stopAfterStates = options.stopAfterStates ?? Infinity;
  const out: ReadResult = { records: [], deletes: [], states: [], state: null, restarts: 0 };
  for await (const message of reader(ctx)) {
    if (message.type === 'records') out.records.push(...message.records);
    if (message.type === 'deletes') out.deletes.push(...message.ids);
    if (message.type === 'restart') out.restarts++;
    if (message.type === 'state') {
      out.states.push(message.state);
      out.state = message.state;
      if (out.states.length >= stopAfterStates) break;
    }
  }
  return out;
}
