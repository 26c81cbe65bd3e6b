import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseReachable as pingWithin } from '../../../services/health/database-reachable.js';
import type { AppDeps } from '../../app-deps.js';

/** A readiness probe must answer in time even when the database does not (a probe that hangs is no answer). */
const DATABASE_CHECK_MS = 3000;

const check = z.enum(['ok', 'failed', 'skipped']);
const ReadyBody = z.object({
  status: z.enum(['ready', 'not_ready']),
  /** Why not ready: the first check that failed. */
  reason: z.enum(['shutting_down', 'database_unreachable', 'migrations_pending', 'job_queue_stopped']).optional(),
  checks: z.object({ shutting_down: z.boolean(), database: check, migrations: check, job_queue: check }),
});
type Ready = z.infer<typeof ReadyBody>;

export async function healthRoutes(fastify: FastifyInstance, deps: Pick<AppDeps, 'db' | 'readiness'>): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const databaseReachable = () => pingWithin(deps, { timeoutMs: DATABASE_CHECK_MS });
  // Migrations do not un-apply: once this build's are all there, the check is not run again.
  let migrationsDone = false;

  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability; needs no key',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.literal('ok') }), 503: z.object({ status: z.literal('error'), database: z.string() }) },
      },
    },
    async (_request, reply) => {
      if (await databaseReachable()) return { status: 'ok' as const, database: 'ok' as const };
      return reply.status(503).send({ status: 'error' as const, database: 'unreachable' });
    },
  );

  app.get(
    '/health/live',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process is up and serving HTTP (no database call); needs no key',
        description: 'For a liveness probe: a failure means restart the process. It stays 200 during a graceful shutdown.',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: database reachable, migrations applied, job queue started, not shutting down; needs no key',
        description:
          'For a readiness probe or a load balancer: 503 with the first failing reason otherwise. On SIGTERM it turns 503 before the server stops accepting requests.',
        security: [],
        response: { 200: ReadyBody, 503: ReadyBody },
      },
    },
    async (_request, reply) => {
      const readiness = deps.readiness;
      const body: Ready = {
        status: 'ready',
        checks: { shutting_down: readiness?.shuttingDown ?? false, database: 'skipped', migrations: 'skipped', job_queue: 'skipped' },
      };
      const notReady = (reason: NonNullable<Ready['reason']>) => reply.status(503).send({ ...body, status: 'not_ready', reason });
      if (body.checks.shutting_down) return notReady('shutting_down');
      body.checks.database = (await databaseReachable()) ? 'ok' : 'failed';
      if (body.checks.database === 'failed') return notReady('database_unreachable');
      if (readiness) {
        if (!migrationsDone) migrationsDone = (await readiness.pendingMigrations().catch(() => ['unknown'])).length === 0;
        body.checks.migrations = migrationsDone ? 'ok' : 'failed';
        if (!migrationsDone) return notReady('migrations_pending');
        body.checks.job_queue = readiness.jobQueueRunning ? 'ok' : 'failed';
        if (!readiness.jobQueueRunning) return notReady('job_queue_stopped');
        // Checked again last: a shutdown may have begun while the database answered.
        if (readiness.shuttingDown) {
          body.checks.shutting_down = true;
          return notReady('shutting_down');
        }
      }
      return body;
    },
  );
}
