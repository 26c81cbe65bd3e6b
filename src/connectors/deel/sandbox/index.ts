import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { DeelApi, type DeelSandboxInfo } from './api.js';

export { DEEL_SANDBOX_CLIENT_ID, DEEL_SANDBOX_CLIENT_SECRET } from './oauth-app.js';
export type { DeelSandboxInfo };

/** Accepted when no token is given; printed by `tributary sandbox deel`. */
export const DEFAULT_DEEL_SANDBOX_TOKEN = 'deel_sandbox_org_token_tributary_000000000000';

export interface DeelSandboxOptions extends SandboxOptions {
  /** Refuse a sixth request within a rolling second with Deel's 429. Default false: requests are only counted. */
  enforceRateLimit?: boolean;
  /** The rate limit's clock (epoch ms). Default: the system clock. */
  nowMs?: () => number;
}

export interface DeelSandboxHandle extends SandboxHandle {
  /** The API base URL to configure (`<url>/rest/v2`), as `https://api.letsdeel.com/rest/v2` is for Deel. */
  apiUrl: string;
  /** What `GET /_sandbox/info` returns: organization, record counts, the sandbox clock. */
  info(): DeelSandboxInfo;
  stats(): StatsSnapshot;
}

/**
 * Starts the Deel simulator: `records` people, each with one contract, generated on the fly from `seed`, served
 * under `/rest/v2` with Deel's OAuth endpoints under `/oauth2`.
 *
 * @example
 * const sandbox = await createDeelSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.apiUrl}/people?limit=10`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createDeelSandbox(options: DeelSandboxOptions): Promise<DeelSandboxHandle> {
  const token = options.token ?? DEFAULT_DEEL_SANDBOX_TOKEN;
  const api = new DeelApi({
    seed: options.seed,
    records: options.records,
    token,
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
    ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  const apiUrl = `${server.url}/rest/v2`;
  const endpoints = api.oauth.endpoints(server.url);
  return {
    url: server.url,
    apiUrl,
    port: server.port,
    token,
    oauth: endpoints,
    connectConfig: { base_url: apiUrl, ...oauthOverrides(endpoints) },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    close: () => server.close(),
  };
}
