import type { ServiceConfig, ServiceDeps } from '../services/service-deps.js';

export interface AppConfig extends ServiceConfig {
  /** Guards GET /api/v1/cron for an external scheduler; the route is off when unset. */
  cronSecret: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; unset, it is open like /health. */
  metricsToken?: string | undefined;
}

/** What GET /health/ready asks of the process around the app. */
export interface Readiness {
  /** True from the first moment of a shutdown: ready turns 503 before anything stops, so load balancers move on. */
  readonly shuttingDown: boolean;
  /** pg-boss started and not stopped. */
  readonly jobQueueRunning: boolean;
  /** Migrations this build knows that the database lacks. */
  pendingMigrations(): Promise<string[]>;
}

/** The services' dependencies plus what only the HTTP app needs. */
export interface AppDeps extends ServiceDeps {
  config: AppConfig;
  readiness?: Readiness | undefined;
}
