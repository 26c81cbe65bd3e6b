import type { Command } from 'commander';

/** What every command that talks to a running Tributary accepts: where it is and which key to use. */
export interface ApiFlags {
  url?: string;
  key?: string;
}

/** Adds `--url` and `--key` to a command that calls the API (see `apiClientFromEnv` for the defaults). */
export function apiFlags(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'Tributary server URL (default $TRIBUTARY_URL or http://127.0.0.1:$PORT)')
    .option('--key <key>', 'API key (default $TRIBUTARY_API_KEY or $TRIBUTARY_ADMIN_KEY)');
}
