/**
 * What the engine, the jobs and the API report for `/metrics`. A port: the Prometheus registry behind it is built
 * once in the CLI's runtime and passed down, so no layer imports a metrics library or a global registry.
 *
 * Labels are connector ids, stream names (from manifests), statuses and route patterns only: never a
 * workspace's, connection's or run's id or name, never a URL, never anything a tenant typed.
 */
export interface Metrics {
  /** A run attempt started executing in this process (the running gauge goes up). */
  runStarted(): void;
  /** A run attempt stopped executing in this process; `final` is the run's status if it ended (COMPLETED…). */
  runStopped(connector: string | undefined, final: RunFinalStatus | undefined): void;
  /** One committed batch (or deletes) of a stream. */
  recordsSynced(connector: string, stream: string, counts: { created: number; updated: number; deleted: number }): void;
  /** One exchange with a provider: its HTTP status, or how it failed without one. */
  providerResponse(connector: string, status: number | 'network_error' | 'timeout'): void;
  tokenRefreshFailed(connector: string): void;
  /**
   * A failure of work nobody awaits (a run-log insert, a heartbeat, an idle database connection, the job queue's
   * own maintenance): logged where it happens, and counted here so it shows on a dashboard instead of vanishing.
   */
  backgroundError(source: BackgroundErrorSource): void;
  /** One API request, by route pattern (`/api/v1/runs/:id`), never the raw URL. */
  apiRequest(method: string, route: string, status: number, seconds: number): void;
  /** The text exposition for a scrape. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * Where a background failure happened. `run_log`: a run's log line could not be stored (it is still in the process
 * log); `heartbeat`: a running run's periodic heartbeat and cancel check failed (retried at the next beat, but a run
 * whose beats keep failing is taken for dead and resumed elsewhere); `db_pool`: an idle PostgreSQL connection broke;
 * `job_queue`: pg-boss reported an error of its own (maintenance, supervision, a failed fetch); `run_metrics`: the
 * connector of an ended run could not be read for its metrics label; `orphaned_runs`: the runs of dead workers could
 * not be released at start (they resume when their heartbeat expires instead).
 */
export type BackgroundErrorSource = 'run_log' | 'heartbeat' | 'db_pool' | 'job_queue' | 'run_metrics' | 'orphaned_runs';

export type RunFinalStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';
