import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics, RunFinalStatus } from '../contracts/metrics.js';

/** Counts of the sync queue as pg-boss's monitor last cached them (one primary-key read, no job-table scan). */
export interface QueueDepth {
  ready: number;
  deferred: number;
  active: number;
}

export interface PrometheusMetricsOptions {
  /** Read at scrape time; a failure (the database is away) leaves the queue gauge out of that scrape. */
  queueDepth?: () => Promise<QueueDepth | null>;
  /** Node's process metrics (CPU, memory, event loop lag, GC). Default on; tests that start many runtimes may turn it off. */
  processMetrics?: boolean;
}

/**
 * The `Metrics` port on a prom-client registry of its own (no global registry: two runtimes in one process,
 * as in tests, never mix their counts). Built once in `startRuntime` and passed down.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): Metrics & { registry: Registry } {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const runsFinished = new Counter({
    name: 'tributary_runs_finished_total',
    help: 'Run attempts that ended a run, by connector and final status.',
    labelNames: ['connector', 'status'] as const,
    registers: [registry],
  });
  const runsRunning = new Gauge({ name: 'tributary_runs_running', help: 'Runs executing in this process now.', registers: [registry] });
  const records = new Counter({
    name: 'tributary_records_synced_total',
    help: 'Records written by syncs, by connector, stream and kind (created, updated, deleted); rate() gives records/s.',
    labelNames: ['connector', 'stream', 'kind'] as const,
    registers: [registry],
  });
  const providerRequests = new Counter({
    name: 'tributary_provider_requests_total',
    help: 'HTTP exchanges with providers, by connector and HTTP status (or network_error, timeout).',
    labelNames: ['connector', 'status'] as const,
    registers: [registry],
  });
  const providerErrors = new Counter({
    name: 'tributary_provider_errors_total',
    help: 'Provider exchanges that failed (HTTP status 400 and above, network errors, timeouts), by connector and status.',
    labelNames: ['connector', 'status'] as const,
    registers: [registry],
  });
  const refreshFailures = new Counter({
    name: 'tributary_token_refresh_failures_total',
    help: 'OAuth token refreshes that failed, by connector.',
    labelNames: ['connector'] as const,
    registers: [registry],
  });
  const backgroundErrors = new Counter({
    name: 'tributary_background_errors_total',
    help: 'Failures of work nobody awaits (run-log inserts, heartbeats, idle database connections, the job queue), by source; each is also logged.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const apiLatency = new Histogram({
    name: 'tributary_api_request_duration_seconds',
    help: 'API request latency by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queueDepth = options.queueDepth;
  if (queueDepth) {
    new Gauge({
      name: 'tributary_queue_jobs',
      help: 'Sync jobs in the queue by state (ready: waiting for a worker; deferred: retries and delayed; active: being run), as pg-boss last counted them.',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        // The database away at scrape time: the gauge is left out of this scrape (a scrape gap is the signal).
        const depth = await queueDepth().catch(() => null);
        this.reset();
        if (!depth) return;
        this.set({ state: 'ready' }, depth.ready);
        this.set({ state: 'deferred' }, depth.deferred);
        this.set({ state: 'active' }, depth.active);
      },
    });
  }

  return {
    registry,
    runStarted: () => runsRunning.inc(),
    runStopped(connector: string | undefined, final: RunFinalStatus | undefined) {
      runsRunning.dec();
      if (connector && final) runsFinished.inc({ connector, status: final });
    },
    recordsSynced(connector, stream, counts) {
      for (const kind of ['created', 'updated', 'deleted'] as const) {
        if (counts[kind] > 0) records.inc({ connector, stream, kind }, counts[kind]);
      }
    },
    providerResponse(connector, status) {
      const label = String(status);
      providerRequests.inc({ connector, status: label });
      if (typeof status !== 'number' || status >= 400) providerErrors.inc({ connector, status: label });
    },
    tokenRefreshFailed: (connector) => refreshFailures.inc({ connector }),
    backgroundError: (source) => backgroundErrors.inc({ source }),
    apiRequest(method, route, status, seconds) {
      apiLatency.observe({ method, route, status: String(status) }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
