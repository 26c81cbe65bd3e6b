import path from 'node:path';
import type { Runtime } from './runtime.js';

/**
 * What a person starting Tributary needs next: where it listens, where the docs are, the next command. On a
 * terminal it is plain text; elsewhere (a service manager, a container) one structured log line, so the log
 * stays JSON.
 */
export function printStartBanner(runtime: Runtime, out: NodeJS.WriteStream = process.stdout): void {
  const base = runtime.url ?? runtime.config.publicUrl;
  const where = runtime.config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${path.join(runtime.config.dataDir, 'pgdata')}`;
  const docs = `${base}/docs`;
  const next = 'npx tributary connectors';
  const walkthrough = 'npx tributary sandbox github --port 4010 --records 10000 --token ghp_walkthrough_token';
  if (!out.isTTY) {
    // The message is the one scripts and tests have waited for since the first release.
    runtime.logger.info({ url: base, database: where, docs, openapi: `${base}/api/v1/openapi.json`, console: null, next }, `Tributary listening on ${base} (${where})`);
  } else {
    out.write(
      [
        '',
        `Tributary is ready on ${base} (${where})`,
        `  API docs     ${docs}  (OpenAPI: ${base}/api/v1/openapi.json)`,
        '  Web console  not built yet: use the API docs above or the CLI',
        `  Try next     ${next}`,
        `               ${walkthrough}   (README: "Five minutes with the GitHub sandbox")`,
        '',
      ].join('\n') + '\n',
    );
  }
  if (runtime.bootstrap?.generated) {
    out.write(`\nOwner API key (shown once, store it now):\n  ${runtime.bootstrap.apiKey}\n\nexport TRIBUTARY_API_KEY=${runtime.bootstrap.apiKey}   # for the CLI\n\n`);
  }
  if (runtime.adminKeyIgnored) {
    runtime.logger.warn(
      'TRIBUTARY_ADMIN_KEY is set but ignored: it only becomes the owner key on the first start with an empty database, and it is not a key of this one. `tributary keys owner` (with the server stopped) issues a new owner key.',
    );
  }
}
