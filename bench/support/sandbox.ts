import { spawnScript, type Child, type SpawnOptions } from './processes.js';

export const BENCH_TOKEN = 'ghp_bench_token_000000000000000000000000';

export interface SandboxProcess {
  url: string;
  /** `host:port`, for TRIBUTARY_ALLOW_PRIVATE_HOSTS. */
  host: string;
  token: string;
  child: Child;
  counts: { repositories: number; issues: number; pull_requests: number };
  /** `POST /_sandbox/changes`, split into requests of at most 100,000 (the control endpoint's limit). */
  change(change: { stream: string; create?: number; update?: number; delete?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the GitHub sandbox (`bench/support/sandbox-child.ts`) in its own process. */
export async function startSandbox(options: { records: number; seed?: number; nodeFlags?: string[] | undefined }): Promise<SandboxProcess> {
  const spawnOptions: SpawnOptions = { env: {}, ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}) };
  const child = spawnScript(`sandbox(${options.records})`, 'bench/support/sandbox-child.ts', ['--records', String(options.records), '--seed', String(options.seed ?? 7), '--token', BENCH_TOKEN], spawnOptions);
  const line = await child.waitForLine(/^\{"url"/, 60_000);
  const started = JSON.parse(line) as { url: string; token: string; info: SandboxProcess['counts'] };
  return {
    url: started.url,
    host: new URL(started.url).host,
    token: started.token,
    child,
    counts: started.info,
    async change(change) {
      let remaining = { create: change.create ?? 0, update: change.update ?? 0, delete: change.delete ?? 0 };
      while (remaining.create + remaining.update + remaining.delete > 0) {
        const part = { create: Math.min(remaining.create, 100_000), update: Math.min(remaining.update, 100_000), delete: Math.min(remaining.delete, 100_000) };
        const res = await fetch(`${started.url}/_sandbox/changes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ stream: change.stream, ...part }),
        });
        if (!res.ok) throw new Error(`sandbox changes: ${res.status} ${await res.text()}`);
        remaining = { create: remaining.create - part.create, update: remaining.update - part.update, delete: remaining.delete - part.delete };
      }
    },
    stop: () => child.stop(),
  };
}
