import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { SlackApi, type SlackSandboxInfo } from './api.js';

export type { SlackSandboxInfo };
export { SLACK_SANDBOX_CLIENT_ID, SLACK_SANDBOX_CLIENT_SECRET } from './oauth-app.js';

/** Accepted when no token is given; printed by `tributary sandbox slack`. */
export const DEFAULT_SLACK_SANDBOX_TOKEN = 'xoxb-1000000000001-2000000000003-SandboxTributary0000000';

export interface SlackSandboxOptions extends SandboxOptions {
  /** Refuse calls over a method's per-minute tier (Tier 2: 20, Tier 3: 50) with 429 + Retry-After. Default false. */
  enforceRateLimit?: boolean;
  /** The app has token rotation on: OAuth issues 12-hour tokens with refresh tokens. Default false. */
  tokenRotation?: boolean;
  clientId?: string;
  clientSecret?: string;
}

export interface SlackSandboxHandle extends SandboxHandle {
  /** What `GET /_sandbox/info` returns: team, counts per stream and per channel (messages, replies), the sandbox clock. */
  info(): SlackSandboxInfo;
  stats(): StatsSnapshot;
}

/**
 * Starts the Slack simulator: `records` messages spread over the channels the bot is a member of (about
 * √(records / 12) of them, 3 to 200), about one ordinary message in 120 a thread parent with 1 to 6 replies
 * (read with `conversations.replies`), the workspace's members, and one channel the bot was never invited to.
 * The Web API is under `/api`, so a connection's `base_url` is `<url>/api`.
 *
 * @example
 * const sandbox = await createSlackSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.url}/api/auth.test`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createSlackSandbox(options: SlackSandboxOptions): Promise<SlackSandboxHandle> {
  const token = options.token ?? DEFAULT_SLACK_SANDBOX_TOKEN;
  const api = new SlackApi({
    seed: options.seed,
    records: options.records,
    token,
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
    ...(options.tokenRotation === undefined ? {} : { tokenRotation: options.tokenRotation }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  const endpoints = api.oauth.endpoints(server.url);
  return {
    url: server.url,
    port: server.port,
    token,
    oauth: endpoints,
    connectConfig: { base_url: `${server.url}/api`, ...oauthOverrides(endpoints) },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    close: () => server.close(),
  };
}
