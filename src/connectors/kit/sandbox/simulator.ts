import type { SandboxHandle, SandboxOptions } from '../../../contracts/connector-kit.js';
import { ManifestSchema, type Manifest, type ManifestInput } from '../../../contracts/manifest.js';
import { StreamSpecSchema, type JsonRecord, type StreamSpec, type StreamSpecInput } from '../declarative/stream-spec.js';
import { isoSeconds, SandboxClock } from './clock.js';
import type { ActiveFault } from './faults.js';
import { setAt, valueAt } from '../declarative/json-path.js';
import { hash32 } from './prng.js';
import { RateLimitWindow, type RateWindowState } from './rate-window.js';
import type { RecordStore } from './record-store.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-http.js';
import { stringHash } from './schema-records.js';
import { oauthOverrides } from './oauth-server.js';
import { bearerOf } from './request-body.js';
import { SandboxControlError, startSandboxServer, type ChangeRequest, type SandboxProvider } from './server.js';
import { partitionStore, simulatedRecords } from './simulated-records.js';
import { simulatedStream, type SimulatedRoute } from './simulated-stream.js';
import { credentialCheck } from './simulator-auth.js';
import { defaultErrorBody, type SimulatorContext, type SimulatorErrorCode, type SimulatorProvider } from './simulator-provider.js';
import type { StatsSnapshot } from './stats.js';

/**
 * The generic simulator: any connector's described streams served from seeded records made from their JSON
 * schemas, with the provider's paging, cursor filtering, credential check, rate-limit headers and error bodies,
 * plus the `/_sandbox/` change and fault endpoints. A provider's quirks are small overrides in its
 * `SimulatorProvider`; a connector's sandbox factory is a call to `createSimulator`.
 */

/**
 * The sandbox options, plus the clock (so tests move time instead of sleeping), per-stream record counts, and
 * whether the rate limit is enforced.
 *
 * @example
 * ```ts
 * const options: SimulatorOptions = { port: 0, records: 120, seed: 7, clock: new SandboxClock(1_717_200_000), counts: { users: 10 } };
 * ```
 */
export interface SimulatorOptions extends SandboxOptions {
  clock?: SandboxClock;
  /** Records per stream; a stream not named gets `records`. */
  counts?: Record<string, number>;
  /**
   * Refuse requests past the rate limit with 429 and Retry-After. Default: only when `rateLimit` is given here;
   * the provider's own budget alone is printed in headers, never enforced.
   */
  enforceRateLimit?: boolean;
  /** A budget to enforce (e.g. a small one for a test), in place of the provider's. */
  rateLimit?: { limit: number; windowSeconds: number };
  /**
   * The rate window's clock (epoch ms). Default: the sandbox clock when the options bring one (a test moves time
   * instead of sleeping), else the wall clock. A sandbox that brings its clock only for its data passes `Date.now`.
   */
  nowMs?: () => number;
}

/**
 * What `createSimulator` takes: the connector's manifest, its stream descriptions, the provider, the options.
 *
 * @example
 * ```ts
 * const input: SimulatorInput = { manifest, streams: { people: peopleSpec }, provider: { name: 'acme' }, options: { port: 0, records: 50, seed: 1 } };
 * ```
 */
export interface SimulatorInput {
  manifest: ManifestInput | Manifest;
  streams: Record<string, StreamSpecInput>;
  provider: SimulatorProvider;
  options: SimulatorOptions;
}

/**
 * What `GET /_sandbox/info` returns: live records per stream (what the acceptance kit compares a sync with).
 *
 * @example
 * ```ts
 * expect(rows).toHaveLength(sandbox.info().counts.people);
 * ```
 */
export interface SimulatorInfo {
  provider: string;
  seed: number;
  /** The sandbox clock: the time of the latest change (or the start, after the seeded data). */
  clock: string;
  counts: Record<string, number>;
}

/**
 * A running simulator: a `SandboxHandle` with its API base URL, info, stats, clock and stores.
 *
 * @example
 * ```ts
 * const sandbox: SimulatorHandle = await createSimulator(input);
 * sandbox.store('people').apply({ update: 2 });
 * ```
 */
export interface SimulatorHandle extends SandboxHandle {
  /** The API base URL (`<url><base path of the manifest's base_url>`). */
  apiUrl: string;
  clock: SandboxClock;
  info(): SimulatorInfo;
  stats(): StatsSnapshot;
  store(stream: string): RecordStore;
  /** Every export token (sync token, delta link) issued so far is answered as expired from now on. */
  expireExportTokens(): void;
}

/** 2024-06-01T00:00:00Z: seeded records end here unless the options bring a clock. */
const defaultClockStart = 1_717_200_000;
const defaultPartitions = ['p1', 'p2', 'p3'];

/**
 * Starts a simulator for described streams (see the header above). A description or manifest mistake is an
 * error at start naming the stream.
 *
 * @example
 * ```ts
 * const sandbox = await createSimulator({
 *   manifest,
 *   streams: { people: { requester: { path: '/people' }, records: { path: 'data' }, paginator: { type: 'offset', offset_param: 'offset', limit_param: 'limit', limit: 50 } } },
 *   provider: { name: 'acme', errorBody: (status, code, message) => ({ errors: [{ code, message }] }) },
 *   options: { port: 0, records: 100, seed: 42, token: 'sandbox-token' },
 * });
 * const res = await fetch(`${sandbox.apiUrl}/people?limit=10`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 * ```
 */
export async function createSimulator(input: SimulatorInput): Promise<SimulatorHandle> {
  const { provider, options } = input;
  const manifest = ManifestSchema.parse(input.manifest);
  const token = options.token ?? `${provider.name}_sandbox_token_${options.seed}`;
  const clock = options.clock ?? new SandboxClock(defaultClockStart, 60);
  const basePath = new URL(manifest.base_url).pathname.replace(/\/+$/, '');
  const errorBody = provider.errorBody ?? defaultErrorBody;
  const error = (status: number, code: SimulatorErrorCode, message: string): SandboxResponse => ({
    status: provider.errorStatus?.(status, code) ?? status,
    body: errorBody(status, code, message),
  });

  const specs = new Map<string, StreamSpec>();
  for (const [name, raw] of Object.entries(input.streams)) {
    const parsed = StreamSpecSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`simulator ${provider.name}: stream ${name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid description'}`);
    }
    specs.set(name, parsed.data as StreamSpec);
  }

  const stores = new Map<string, RecordStore>(Object.entries(provider.stores ?? {}));
  const parentStores = new Map<string, RecordStore>();
  // Streams without partitions first: a partitioned stream may take its partitions from one of them.
  const order = [...specs.keys()].sort((a, b) => Number(specs.get(a)!.partitions !== undefined) - Number(specs.get(b)!.partitions !== undefined));
  for (const name of order) {
    const spec = specs.get(name)!;
    const stream = manifest.streams.find((s) => s.name === name);
    if (!stream) throw new Error(`simulator ${provider.name}: stream ${name} is described but not in the manifest`);
    let partitionIds: string[] | undefined;
    const parent = spec.partitions?.parent;
    if (spec.partitions) {
      const sibling = parent ? [...specs].find(([other, s]) => other !== name && s.requester.path === parent.requester.path && s.requester.method === parent.requester.method) : undefined;
      const siblingStore = sibling ? stores.get(sibling[0]) : undefined;
      if (parent && siblingStore) {
        partitionIds = siblingStore.list().map((e) => String(valueAt(e.record, parent.id) ?? e.key));
      } else {
        partitionIds = provider.partitions?.[name] ?? defaultPartitions;
        if (parent) parentStores.set(name, partitionStore(partitionIds, parent.id, clock, hash32(options.seed, stringHash(`${name}:parents`))));
      }
      if (partitionIds.length === 0) throw new Error(`simulator ${provider.name}: stream ${name} has no partitions to spread its records over`);
    }
    stores.set(
      name,
      simulatedRecords({
        name,
        spec,
        stream,
        seed: options.seed,
        clock,
        count: options.counts?.[name] ?? options.records,
        ...(partitionIds === undefined ? {} : { partitionIds }),
        ...(provider.fieldOverrides?.[name] === undefined ? {} : { fieldOverrides: provider.fieldOverrides[name] }),
        ...(provider.keys?.[name] === undefined ? {} : { keyAt: provider.keys[name] }),
        ...(provider.draw?.[name] === undefined ? {} : { draw: provider.draw[name] }),
      }),
    );
  }

  const pageSize = {
    default: provider.pageSize?.default ?? 50,
    max: provider.pageSize?.max ?? 1000,
    params: provider.pageSize?.params ?? ['limit', 'per_page', 'page_size', 'pageSize', 'maxResults', '$top', 'count'],
  };
  const deps = {
    basePath,
    pageSize,
    pageTokenParam: provider.pageTokenParam ?? 'page_token',
    error,
    envelope: provider.envelope ?? (() => ({})),
  };
  const routes: SimulatedRoute[] = [];
  for (const [name, spec] of specs) {
    const stream = manifest.streams.find((s) => s.name === name)!;
    const deletions = spec.deletions;
    const deletedView =
      deletions?.type === 'endpoint'
        ? (entry: { record: JsonRecord; key: string; at: number }) => {
            const record: JsonRecord = {};
            setAt(record, deletions.id, valueAt(entry.record, stream.primary_key[0]!) ?? entry.key);
            record['deleted_at'] = isoSeconds(entry.at);
            return record;
          }
        : undefined;
    for (const route of simulatedStream(name, spec, stores.get(name)!, deps, {
      ...(parentStores.has(name) ? { parentStore: parentStores.get(name)! } : {}),
      ...(deletedView ? { deletedView } : {}),
    })) {
      // Two streams may describe one list (a parent list that is also a stream): the first serves it.
      if (!routes.some((r) => r.template === route.template)) routes.push(route);
    }
  }

  const storeOf = (stream: string): RecordStore => {
    const store = stores.get(stream);
    if (!store) throw new SandboxControlError(400, `stream must be one of ${[...stores.keys()].join(', ')}, not "${stream}"`);
    return store;
  };
  const context: SimulatorContext = { store: storeOf, error, basePath };
  const accepts = credentialCheck(manifest, { token, ...(provider.fields ? { fields: provider.fields } : {}), ...(provider.config ? { config: provider.config } : {}) });
  const oauth = provider.oauth;
  oauth?.addStaticToken(token);
  const authorized = (req: SandboxRequest): boolean =>
    accepts(req) || (oauth !== undefined && oauth.accepts(bearerOf(req))) || provider.accepts?.(req) === true;
  const refusal = (req: SandboxRequest): SandboxResponse | undefined =>
    provider.authorize ? provider.authorize(req, context) : authorized(req) ? undefined : error(401, 'unauthorized', 'Invalid or missing credentials');
  const budget = options.rateLimit ?? (provider.rateLimit ? { limit: provider.rateLimit.limit, windowSeconds: provider.rateLimit.windowSeconds } : undefined);
  // Rate windows follow the sandbox clock a test brings (it moves time instead of sleeping); else the wall clock,
  // since the sandbox clock only moves on changes and a window on it would never end for a person trying it.
  const nowMs = options.nowMs;
  const nowSeconds = nowMs ? () => Math.floor(nowMs() / 1000) : options.clock ? () => clock.now() : () => Math.floor(Date.now() / 1000);
  const enforce = options.enforceRateLimit ?? options.rateLimit !== undefined;
  const window = budget ? new RateLimitWindow(budget.limit, budget.windowSeconds, enforce, () => nowSeconds() * 1000) : undefined;
  const rateHeaders = (state: RateWindowState): Record<string, string> => {
    const names = provider.rateLimit?.headers ?? {};
    if (names === false) return {};
    const reset = provider.rateLimit?.reset === 'seconds' ? Math.max(0, state.reset - nowSeconds()) : state.reset;
    return {
      [names.limit ?? 'x-ratelimit-limit']: String(state.limit),
      [names.remaining ?? 'x-ratelimit-remaining']: String(state.remaining),
      [names.reset ?? 'x-ratelimit-reset']: String(reset),
    };
  };
  const info = (): SimulatorInfo => ({
    ...provider.info?.(context),
    provider: provider.name,
    seed: options.seed,
    clock: isoSeconds(clock.now()),
    counts: Object.fromEntries([...stores].map(([name, store]) => [name, store.liveCount()])),
  });

  const finish = provider.finish ?? ((res: SandboxResponse) => res);
  const api: SandboxProvider = {
    handle(req: SandboxRequest): SandboxResponse {
      return finish(answer(req), req);
    },
    renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
      return finish(provider.fault?.(fault, req) ?? faultAnswer(fault), req);
    },
    applyChanges(change: ChangeRequest) {
      const changes = provider.changes?.(change, context) ?? storeOf(change.stream).apply(change);
      return { stream: change.stream, ...changes, counts: info().counts };
    },
    info,
    ...(oauth ? { oauth } : {}),
  };

  function answer(req: SandboxRequest): SandboxResponse {
    const refused = refusal(req);
    if (refused) return refused;
    let headers: Record<string, string> = {};
    if (window) {
      const state = window.hit();
      headers = rateHeaders(state);
      if (state.exhausted) {
        const retryAfter = Math.max(1, state.reset - nowSeconds());
        return withHeaders(error(429, 'rate_limited', 'Too many requests'), { ...headers, 'retry-after': String(retryAfter) });
      }
    }
    return withHeaders(route(req), headers);
  }

  function faultAnswer(fault: ActiveFault): SandboxResponse {
    if (fault.kind === 'rate_limit' || fault.kind === 'secondary_rate_limit') {
      return withHeaders(error(429, 'rate_limited', 'Too many requests'), { 'retry-after': String(fault.retryAfterSeconds) });
    }
    const status = fault.status ?? 500;
    return error(status, 'server_error', 'Internal server error');
  }

  function route(req: SandboxRequest): SandboxResponse {
    for (const override of Object.values(provider.overrides ?? {})) {
      const answer = override(req, context);
      if (answer) return answer;
    }
    const path = req.url.pathname;
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const match = r.pattern.exec(path);
      if (match) return r.serve(req, match[1]);
    }
    const verify = manifest.verify;
    if (verify && req.method === verify.method && path === basePath + verify.path.split('?')[0]) {
      const body: JsonRecord = {};
      if (verify.success_body) setAt(body, verify.success_body.path, verify.success_body.equals);
      return { status: verify.success_status[0] ?? 200, body };
    }
    return error(404, 'not_found', `No route ${req.method} ${path}`);
  }

  const server = await startSandboxServer({ port: options.port, ...(options.host === undefined ? {} : { host: options.host }), provider: api });
  const apiUrl = `${server.url}${basePath}`;
  const endpoints = oauth?.endpoints(server.url);
  return {
    url: server.url,
    apiUrl,
    port: server.port,
    token,
    ...(endpoints ? { oauth: endpoints } : {}),
    connectConfig: { base_url: apiUrl, ...(endpoints ? oauthOverrides(endpoints) : {}) },
    clock,
    info,
    stats: () => server.stats.snapshot(),
    store: storeOf,
    expireExportTokens: () => {
      for (const store of stores.values()) store.expireExportTokens();
    },
    close: () => server.close(),
  };
}

function withHeaders(response: SandboxResponse, headers: Record<string, string>): SandboxResponse {
  return Object.keys(headers).length === 0 ? response : { ...response, headers: { ...headers, ...response.headers } };
}
