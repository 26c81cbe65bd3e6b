import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Metrics } from '../contracts/metrics.js';
import type { ServiceDeps } from '../services/service-deps.js';
import type { Readiness } from './app-deps.js';
import { errorHandler } from './error-handler.js';
import { healthRoutes } from './routes/ops/health.js';
import { metricsRoutes } from './routes/ops/metrics.js';

/**
 * What a `tributary worker` serves when given a port (TRIBUTARY_WORKER_PORT): the same /health, /health/live,
 * /health/ready and /metrics as `serve`, and nothing else — a worker has no API. Its probes and its counters (runs,
 * records, provider requests happen in workers) are then reachable like a server's.
 */
export async function buildOpsApp(deps: { db: ServiceDeps['db']; logger: Logger; readiness: Readiness; metrics: Metrics; metricsToken: string | undefined }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, disableRequestLogging: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  await app.register(async (scope) => healthRoutes(scope, { db: deps.db, readiness: deps.readiness }));
  await app.register(async (scope) => metricsRoutes(scope, deps.metrics, deps.metricsToken));
  return app;
}
