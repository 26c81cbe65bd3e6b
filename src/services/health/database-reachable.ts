import { pingDatabase } from '../../db/queries/ping.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Whether the database answers within `timeoutMs`. A health probe must answer in time even when the database
 * does not (a probe that hangs is no answer), so a slow database counts as unreachable, as does any error.
 */
export async function databaseReachable(deps: Pick<ServiceDeps, 'db'>, input: { timeoutMs: number }): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), input.timeoutMs);
  });
  try {
    return await Promise.race([pingDatabase(deps.db).then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
