import type { Runtime } from './runtime.js';

/** SIGINT/SIGTERM close the runtime (API, workers, database) once; a second signal exits at once. */
export function stopOnSignal(runtime: Runtime): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    runtime.logger.info({ signal }, 'stopping');
    runtime.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
