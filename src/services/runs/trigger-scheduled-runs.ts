import { AppError } from '../../contracts/errors.js';
import { hashToken, safeEqual } from '../../core/api-key-hash.js';
import type { ServiceDeps } from '../service-deps.js';
import { enqueueDueRuns, type DueRunsResult } from './enqueue-due-runs.js';

/**
 * An external cron's tick (instead of, or besides, the job queue's own schedule): every due scheduled sync is
 * enqueued. The caller must present the operator's cron secret; with none configured the entry point is off.
 * Secrets are compared by hash in constant time.
 */
export async function triggerScheduledRuns(
  deps: Pick<ServiceDeps, 'db' | 'catalog' | 'runQueue'>,
  input: { cronSecret: string | undefined; presented: string },
): Promise<DueRunsResult> {
  if (!input.cronSecret) throw new AppError('forbidden', 'The cron endpoint is off: set TRIBUTARY_CRON_SECRET to enable it.');
  if (!input.presented || !safeEqual(hashToken(input.presented), hashToken(input.cronSecret))) throw new AppError('unauthorized', 'Wrong or missing cron secret.');
  return enqueueDueRuns(deps, (connectorId) => deps.catalog.get(connectorId).manifest.streams.map((s) => s.name));
}
