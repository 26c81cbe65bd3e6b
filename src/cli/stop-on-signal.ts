import type { Runtime } from './runtime.js';

/**
 * SIGTERM/SIGINT stop gracefully (see Runtime.close: runs hand themselves back, the API drains) within the grace
 * period; past it the process exits anyway, and what was still running is recovered like a crashed worker's run.
 * A second signal exits at once.
 */
export function stopOnSignal(runtime: Runtime): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      runtime.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const graceSeconds = runtime.config.shutdownGraceSeconds;
    runtime.logger.info({ signal, grace_seconds: graceSeconds }, 'stopping: no new jobs, running runs hand back at their next page, the API drains');
    const deadline = setTimeout(() => {
      runtime.logger.warn({ grace_seconds: graceSeconds }, 'grace period over: exiting; unfinished runs are recovered like a crashed worker’s');
      process.exit(1);
    }, graceSeconds * 1000);
    deadline.unref();
    runtime.close().then(
      () => {
        runtime.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        runtime.logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
