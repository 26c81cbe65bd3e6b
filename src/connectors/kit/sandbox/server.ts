import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ExchangeLog } from './exchange-log.js';
import { FaultInjector, FaultRequestSchema, type ActiveFault } from './faults.js';
import type { SandboxAuthServer, SandboxRequest, SandboxResponse } from './sandbox-http.js';

export type { SandboxAuthServer, SandboxRequest, SandboxResponse } from './sandbox-http.js';
import { RequestStats } from './stats.js';

/**
 * The HTTP server every sandbox runs on. The provider supplies a request → response function for its API;
 * this module adds what all sandboxes share: the unauthenticated control endpoints under `/_sandbox/`,
 * fault injection, request statistics, and a clean shutdown.
 *
 * Control endpoints:
 * - `POST /_sandbox/changes` `{ stream, create?, update?, delete? }`: deterministic changes (provider-defined)
 * - `POST /_sandbox/faults` `{ kind, count?, after?, retry_after?, delay_ms?, status? }`; `GET` lists the
 *   pending ones, `DELETE` clears them
 * - `GET /_sandbox/stats` request counts by path and status; `DELETE` resets them
 * - `GET /_sandbox/info` what the sandbox holds (provider-defined: record counts, owner, clock…)
 * - `POST /_sandbox/recording` `{ on: boolean }` starts or stops recording API exchanges (off by default);
 *   `GET /_sandbox/exchanges` lists the recorded ones (the last 5,000: method, path, raw query, request headers
 *   with credential values redacted, request body, status, response headers and body), `DELETE` clears them.
 *   Only API requests are recorded: not these control endpoints, nor the provider's OAuth server, whose paths are
 *   the authorization server's rather than the API a vendor's OpenAPI document describes.
 */

const RecordingRequestSchema = z.object({ on: z.boolean() });

/**
 * The body of `POST /_sandbox/changes`: how many records of `stream` to create, update and delete, checked by
 * the server before it calls the provider's `applyChanges`.
 *
 * @example
 * ```ts
 * const change = ChangeRequestSchema.parse({ stream: 'issues', update: 5 }); // create and delete default to 0
 * ```
 */
export const ChangeRequestSchema = z.object({
  stream: z.string().min(1),
  create: z.number().int().min(0).max(100_000).default(0),
  update: z.number().int().min(0).max(100_000).default(0),
  delete: z.number().int().min(0).max(100_000).default(0),
});
/**
 * A parsed change request, as the provider's `applyChanges` receives it (every count present).
 *
 * @example
 * ```ts
 * applyChanges(change: ChangeRequest): ChangeResult {
 *   if (change.stream !== 'issues') throw new SandboxControlError(400, `stream must be "issues", not "${change.stream}"`);
 *   return this.store.applyChanges(change);
 * }
 * ```
 */
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;

/**
 * Thrown by provider hooks (`applyChanges`, `info`) to answer a control request with an error: the server sends
 * `status` with the message instead of a 500.
 *
 * @example
 * ```ts
 * throw new SandboxControlError(400, `stream must be "issues" or "pull_requests", not "${change.stream}"`);
 * ```
 */
export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxControlError';
  }
}

/**
 * What a connector's simulator implements: its API (`handle`), its shape of an injected fault, its changes and
 * info for the control endpoints, and optionally its OAuth server. `startSandboxServer` serves it.
 *
 * @example
 * ```ts
 * class DeelApi implements SandboxProvider {
 *   handle(req: SandboxRequest): SandboxResponse { return this.route(req); }
 *   renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse { return faultResponse(fault, req, this.requestId(), this.seed); }
 *   applyChanges(change: ChangeRequest): ChangeResult { return this.store.applyChanges(change); }
 *   info(): DeelSandboxInfo { return this.store.info(); }
 * }
 * ```
 */
export interface SandboxProvider {
  /** Answers one API request (anything outside `/_sandbox/`). */
  handle(req: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
  /** The provider's own shape of a rate limit or server error fault. */
  renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse;
  applyChanges(change: ChangeRequest): unknown;
  info(): unknown;
  /** The provider's authorization server: its paths are answered before `handle`, and never faulted. */
  oauth?: SandboxAuthServer;
}

/**
 * A running sandbox server: its origin URL and port, its fault queue and request counters, and `close()`. A
 * connector's sandbox factory turns it into a `SandboxHandle`.
 *
 * @example
 * ```ts
 * const server: SandboxServer = await startSandboxServer({ port: options.port, provider: api });
 * return { url: server.url, port: server.port, token, stats: () => server.stats.snapshot(), close: () => server.close() };
 * ```
 */
export interface SandboxServer {
  url: string;
  port: number;
  faults: FaultInjector;
  stats: RequestStats;
  exchanges: ExchangeLog;
  close(): Promise<void>;
}

/**
 * Where to listen (port 0 picks a free one; host default 127.0.0.1) and the provider to serve.
 *
 * @example
 * ```ts
 * const options: SandboxServerOptions = { port: 0, provider: new GithubApi({ seed: 42, records: 1000, token }) };
 * ```
 */
export interface SandboxServerOptions {
  port: number;
  host?: string;
  provider: SandboxProvider;
}

const maxBody = 1024 * 1024;

/**
 * Starts the HTTP server for a provider (see the header above for the control endpoints it adds) and resolves
 * once it listens.
 *
 * @example
 * ```ts
 * const server = await startSandboxServer({
 *   port: options.port,
 *   ...(options.host === undefined ? {} : { host: options.host }),
 *   provider: api,
 * });
 * ```
 */
export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultInjector();
  const stats = new RequestStats();
  const exchanges = new ExchangeLog(5000);
  const { provider } = options;
  let port = options.port;

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        writeResponse(res, controlError(500, error instanceof Error ? error.message : 'internal error'));
      } else {
        res.destroy();
      }
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = `http://${req.headers.host ?? `${host}:${port}`}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
      const body = req.method === 'POST' ? parseJson(await readBody(req)) : undefined;
      writeResponse(res, control(req.method ?? 'GET', url.pathname, body));
      return;
    }
    const request: SandboxRequest = { method: req.method ?? 'GET', url, headers: req.headers, origin, body: await readBody(req) };
    const authorization = provider.oauth?.handle(request);
    if (authorization) {
      stats.record(url.pathname, authorization.status);
      writeResponse(res, authorization);
      return;
    }
    const fault = faults.take();
    if (fault?.kind === 'reset') {
      stats.record(url.pathname, 'reset');
      // A TCP reset rather than a clean close: the client sees ECONNRESET (or "other side closed").
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    const response =
      fault && fault.kind !== 'slow' && fault.kind !== 'truncate'
        ? provider.renderFault(fault, request)
        : await provider.handle(request);
    if (exchanges.isRecording) {
      const { headers, payload } = serialise(response);
      exchanges.record(request, { status: response.status, headers, body: payload });
    }
    if (fault?.kind === 'truncate') {
      stats.record(url.pathname, 'truncated');
      writeTruncated(res, response);
      return;
    }
    stats.record(url.pathname, response.status);
    writeResponse(res, response);
  }

  function control(method: string, path: string, body: unknown): SandboxResponse {
    try {
      const route = `${method} ${path.replace(/\/+$/, '')}`;
      switch (route) {
        case 'POST /_sandbox/changes':
          return { status: 200, body: provider.applyChanges(parseBody(ChangeRequestSchema, body)) };
        case 'POST /_sandbox/faults': {
          const queued = faults.add(parseBody(FaultRequestSchema, body));
          return { status: 201, body: { queued, pending: faults.pending() } };
        }
        case 'GET /_sandbox/faults':
          return { status: 200, body: { pending: faults.pending() } };
        case 'DELETE /_sandbox/faults':
          faults.clear();
          return { status: 200, body: { pending: [] } };
        case 'GET /_sandbox/stats':
          return { status: 200, body: stats.snapshot() };
        case 'DELETE /_sandbox/stats':
          stats.reset();
          return { status: 200, body: stats.snapshot() };
        case 'POST /_sandbox/recording': {
          exchanges.setRecording(parseBody(RecordingRequestSchema, body).on);
          return { status: 200, body: { recording: exchanges.isRecording } };
        }
        case 'GET /_sandbox/exchanges':
          return { status: 200, body: { recording: exchanges.isRecording, exchanges: exchanges.list() } };
        case 'DELETE /_sandbox/exchanges':
          exchanges.clear();
          return { status: 200, body: { recording: exchanges.isRecording, exchanges: [] } };
        case 'GET /_sandbox/info':
          return { status: 200, body: provider.info() };
        case 'POST /_sandbox/oauth/expire': {
          if (!provider.oauth) return controlError(404, 'this sandbox has no OAuth server');
          return { status: 200, body: { expired: provider.oauth.expireAccessTokens() } };
        }
        default:
          return controlError(404, `no control endpoint ${method} ${path}`);
      }
    } catch (error) {
      if (error instanceof SandboxControlError) return controlError(error.status, error.message);
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    faults,
    stats,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from HTTP clients would otherwise hold `close` open until they time out.
        server.closeAllConnections();
      }),
  };
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new SandboxControlError(400, `${where}${issue?.message ?? 'invalid body'}`);
  }
  return parsed.data;
}

function controlError(status: number, message: string): SandboxResponse {
  const code = status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'internal';
  return { status, body: { error: { code, message } } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBody) throw new SandboxControlError(413, 'body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxControlError(400, 'body is not JSON');
  }
}

function serialise(response: SandboxResponse): { headers: Record<string, string>; payload: string } {
  const headers = { ...response.headers };
  if (response.body === undefined) return { headers, payload: '' };
  if (typeof response.body === 'string') return { headers, payload: response.body };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { headers, payload: JSON.stringify(response.body) };
}

function writeResponse(res: ServerResponse, response: SandboxResponse): void {
  const { headers, payload } = serialise(response);
  res.writeHead(response.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}

/** Announces the full length, sends the first half of the body, then drops the connection. */
function writeTruncated(res: ServerResponse, response: SandboxResponse): void {
  const { headers, payload } = serialise(response);
  const bytes = Buffer.from(payload, 'utf8');
  res.writeHead(response.status, { ...headers, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => res.socket?.destroy());
}
