import type { StreamContext, StreamLogger, StreamReader, StreamState } from '../../../contracts/connector-kit.js';
import { ManifestSchema, StreamManifestSchema, type ManifestInput, type SyncMode } from '../../../contracts/manifest.js';
import { createHttpClient, type HttpClientOptions } from '../../../http-client/index.js';

/**
 * Runs a connector's stream readers against its sandbox the way the engine would, for the connectors'
 * streams.test.ts. Every one of them carried its own copy of the context builder and the read loop; one copy
 * keeps their retry pace, secret scrubbing and "the process died after the n-th checkpoint" semantics alike.
 * Only tests import it; it sits in the sandbox kit because every connector's tests need it.
 */

/**
 * What `readerContext` needs: the connector's manifest, the stream, the mode and starting state, and the
 * credential the sandbox accepts (with its base URL and config when they differ from the manifest's).
 *
 * @example
 * ```ts
 * const input: ReaderContextInput = { manifest, stream: 'issues', mode: 'incremental', state: null, baseUrl: sandbox.url, token: sandbox.token };
 * ```
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

/**
 * A `StreamContext` as the engine would build it for a connection to the sandbox: the manifest's stream entry
 * and default headers, `Authorization: Bearer <token>` (or `authorization`), fast retries, the token scrubbed
 * from errors, and a signal that never aborts. Throws when the manifest has no such stream.
 *
 * @example
 * ```ts
 * const ctx = readerContext({ manifest, stream: 'issues', mode: 'full_refresh', state: null, baseUrl: sandbox.url, token: sandbox.token });
 * const { records } = await readAll(streams.issues!, ctx);
 * ```
 */
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

/**
 * How far `readAll` reads.
 *
 * @example
 * ```ts
 * const first = await readAll(reader, ctx, { stopAfterStates: 3 } satisfies ReadOptions); // "crash" after the third checkpoint
 * ```
 */
export interface ReadOptions {
  /**
   * Stop right after the n-th checkpoint, as if the process died there: what follows is never pulled, and
   * `state` is what the engine would have committed, the one a resumed run starts from.
   */
  stopAfterStates?: number;
}

/**
 * Everything a read yielded: the records, the deleted ids, every checkpoint and the last one, and how many
 * times the reader restarted.
 *
 * @example
 * ```ts
 * const result: ReadResult = await readAll(reader, ctx);
 * expect(result.restarts).toBe(0);
 * expect(result.state).toEqual({ cursor: '2024-05-01T12:00:00Z' });
 * ```
 */
export interface ReadResult {
  records: Record<string, unknown>[];
  deletes: string[];
  states: StreamState[];
  /** The last checkpoint, or null when the reader yielded none. */
  state: StreamState | null;
  /** How many times the reader said it lost its place and reads the stream complete from the start. */
  restarts: number;
}

/**
 * Runs a stream reader to its end (or to `stopAfterStates` checkpoints) and collects what it yielded, as the
 * engine would consume it. A resumed read is `readAll` again with the previous `state` in a new context.
 *
 * @example
 * ```ts
 * const first = await readAll(streams.issues!, readerContext({ ...base, state: null }), { stopAfterStates: 2 });
 * const rest = await readAll(streams.issues!, readerContext({ ...base, state: first.state }));
 * expect(first.records.length + rest.records.length).toBeGreaterThanOrEqual(total);
 * ```
 */
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
