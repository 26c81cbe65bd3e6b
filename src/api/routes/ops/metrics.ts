import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../contracts/errors.js';
import type { Metrics } from '../../../contracts/metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus text exposition. Open like /health unless the operator sets a token (TRIBUTARY_METRICS_TOKEN), then
 * `Authorization: Bearer <token>`. Workspace API keys do not open it: the figures cover every workspace, so it is
 * the operator's, not a tenant's (its labels are connector ids, statuses and route patterns only).
 */
export async function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | undefined): Promise<void> {
  const expected = token === undefined ? undefined : digest(token);
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics (runs, records, queue depth, provider requests, API latency, process)',
        description: 'Text exposition format. Needs `Authorization: Bearer <TRIBUTARY_METRICS_TOKEN>` when the operator set that token; otherwise open.',
        security: token === undefined ? [] : [{ bearer: [] }],
        response: { 200: z.string().describe('Prometheus text exposition format (text/plain; version=0.0.4)') },
      },
    },
    async (request, reply) => {
      if (expected) {
        const given = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
        // Digests of equal length, so the comparison takes the same time whatever was sent.
        if (!timingSafeEqual(digest(given), expected)) throw new AppError('unauthorized', 'GET /metrics needs the metrics token (Authorization: Bearer <TRIBUTARY_METRICS_TOKEN>).');
      }
      const { contentType, body } = await metrics.render();
      return reply.header('content-type', contentType).send(body);
    },
  );
}
