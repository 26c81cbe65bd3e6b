import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { listBackups, pruneAutomaticBackups, writeBackup } from '../db/embedded-backup.js';

/**
 * `serve` on the embedded folder backs it up every `intervalMs` (TRIBUTARY_BACKUP_INTERVAL) into
 * `<data dir>/backups/`, keeping the newest `keep` automatic ones, so `tributary doctor --restore` has something
 * to put back. Not on shutdown: a deploy's SIGTERM must stay quick. The first one is due one interval after the
 * newest backup, or (none yet) after min(interval, 10 minutes) of running, so short-lived servers make none.
 */
const firstBackupCapMs = 10 * 60_000;

export interface AutoBackup {
  /** Cancels the timer and waits for a backup in progress. */
  stop(): Promise<void>;
}

export async function startAutoBackup(options: { client: PGlite; dataDir: string; keyFile: string | null; intervalMs: number; keep: number; logger: Logger }): Promise<AutoBackup | undefined> {
  const { client, dataDir, keyFile, intervalMs, keep, logger } = options;
  if (intervalMs <= 0) return undefined;
  const newest = (await listBackups(dataDir))[0];
  const firstDue = newest ? newest.createdAt.getTime() + intervalMs : Date.now() + Math.min(intervalMs, firstBackupCapMs);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = (at: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      // setTimeout caps its delay at ~24.8 days: a longer interval wakes early and waits again.
      if (Date.now() < at) return schedule(at);
      running = backup().finally(() => {
        running = undefined;
        schedule(Date.now() + intervalMs);
      });
    }, Math.min(2 ** 31 - 1, Math.max(0, at - Date.now())));
    // A pending backup never keeps the process alive.
    timer.unref();
  };
  const backup = async () => {
    const started = Date.now();
    try {
      const { file, bytes } = await writeBackup(client, { dataDir, keyFile, automatic: true });
      const pruned = await pruneAutomaticBackups(dataDir, keep);
      logger.info({ file, bytes, ms: Date.now() - started, pruned: pruned.length }, 'automatic backup written');
    } catch (error) {
      // A failed backup (a full disk) must not stop the service; the next one tries again.
      logger.error({ err: error }, 'automatic backup failed');
    }
  };
  schedule(firstDue);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
