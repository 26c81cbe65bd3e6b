import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { GithubApi, type GithubSandboxInfo } from './api.js';

export { GITHUB_SANDBOX_CLIENT_ID, GITHUB_SANDBOX_CLIENT_SECRET } from './oauth-app.js';

export type { GithubSandboxInfo };

/** Accepted when no token is given; printed by `tributary sandbox github`. */
export const DEFAULT_GITHUB_SANDBOX_TOKEN = 'ghp_sandbox_tributary0000000000000000000';

export interface GithubSandboxOptions extends SandboxOptions {
  /** Requests an hour per token (`x-ratelimit-limit`). Default 5,000. */
  rateLimit?: number;
  /** Refuse requests once the hour's budget is spent, as GitHub does. Default false: the window restarts. */
  enforceRateLimit?: boolean;
}

export interface GithubSandboxHandle extends SandboxHandle {
  /** What `GET /_sandbox/info` returns: owner, record counts per repository, the sandbox clock. */
  info(): GithubSandboxInfo;
  stats(): StatsSnapshot;
}


/**
 * Starts the GitHub simulator: `records` issues (plus one pull request per four issues) spread over up to
 * eight repositories of one owner, generated on the fly from `seed`.
 *
 * @example
 * const sandbox = await createGithubSandbox({ port: 0, records: 10_000, seed: 42 });
 * const res = await fetch(`${sandbox.url}/user/repos`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createGithubSandbox(options: GithubSandboxOptions): Promise<GithubSandboxHandle> {
  const token = options.token ?? DEFAULT_GITHUB_SANDBOX_TOKEN;
  const api = new GithubApi({
    seed: options.seed,
    records: options.records,
    token,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  return {
    url: server.url,
    port: server.port,
    token,
    oauth: api.oauth.endpoints(server.url),
    connectConfig: { base_url: server.url, ...oauthOverrides(api.oauth.endpoints(server.url)) },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    close: () => server.close(),
  };
}
