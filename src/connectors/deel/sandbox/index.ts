import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { createSimulator, SandboxClock, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { manifest } from '../manifest.js';
import { specs } from '../streams.js';
import { deelChanges } from './changes.js';
import { clockStart } from './facts.js';
import { DeelLinks } from './links.js';
import { deelOAuth } from './oauth-app.js';
import { deelErrorBody, deelFinish, rateLimitedBody, RollingSecondLimit } from './responses.js';
import { deelRoutes } from './routes.js';
import { DeelWorld } from './world.js';

export { DEEL_SANDBOX_CLIENT_ID, DEEL_SANDBOX_CLIENT_SECRET } from './oauth-app.js';

/** Accepted when no token is given; printed by `tributary sandbox deel`. */
export const DEFAULT_DEEL_SANDBOX_TOKEN = 'deel_sandbox_org_token_tributary_000000000000';

export interface DeelSandboxOptions extends SandboxOptions {
  /** Refuse a sixth request within a rolling second with Deel's 429. Default false: requests are only counted. */
  enforceRateLimit?: boolean;
  /** The rate limit's clock (epoch ms). Default: the system clock. */
  nowMs?: () => number;
}

/** What `GET /_sandbox/info` returns. */
export interface DeelSandboxInfo {
  provider: 'deel';
  seed: number;
  organization: string;
  /** The sandbox clock: the time of the latest change (or the start, after the seeded data). */
  clock: string;
  counts: { people: number; contracts: number };
}

export interface DeelSandboxHandle extends SandboxHandle {
  /** The API base URL to configure (`<url>/rest/v2`), as `https://api.letsdeel.com/rest/v2` is for Deel. */
  apiUrl: string;
  /** What `GET /_sandbox/info` returns: organization, record counts, the sandbox clock. */
  info(): DeelSandboxInfo;
  stats(): StatsSnapshot;
}

/**
 * Starts the Deel simulator: the kit's simulator over Deel's described streams, `records` people each with one
 * contract, served under `/rest/v2` with Deel's OAuth endpoints under `/oauth2`, and Deel's quirks as overrides
 * (its list parameters, single reads, error container, rolling rate limit, linked people and contracts).
 *
 * @example
 * const sandbox = await createDeelSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.apiUrl}/people?limit=10`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createDeelSandbox(options: DeelSandboxOptions): Promise<DeelSandboxHandle> {
  const world = new DeelWorld(options.seed);
  const links = new DeelLinks(options.records);
  const clock = new SandboxClock(clockStart, 60);
  const limit = new RollingSecondLimit(5, options.enforceRateLimit ?? false, options.nowMs);
  const sandbox = await createSimulator({
    manifest,
    streams: specs,
    provider: {
      name: 'deel',
      errorBody: deelErrorBody,
      finish: deelFinish(options.seed),
      oauth: deelOAuth(),
      // Ids as Deel prints them (UUIDs for people, short public ids for contracts), the store's keys.
      fieldOverrides: { people: { id: ({ index }) => world.personId(index) }, contracts: { id: ({ index }) => world.contractId(index) } },
      overrides: {
        rateLimit: () => (limit.admit() ? undefined : { status: 429, body: rateLimitedBody }),
        deel: deelRoutes(world, links),
      },
      changes: deelChanges(clock, links),
      info: () => ({ organization: world.organizationName }),
    },
    options: {
      port: options.port,
      records: options.records,
      seed: options.seed,
      token: options.token ?? DEFAULT_DEEL_SANDBOX_TOKEN,
      ...(options.host === undefined ? {} : { host: options.host }),
      clock,
    },
  });
  return {
    url: sandbox.url,
    apiUrl: sandbox.apiUrl,
    port: sandbox.port,
    token: sandbox.token,
    ...(sandbox.oauth ? { oauth: sandbox.oauth } : {}),
    connectConfig: sandbox.connectConfig,
    info: () => sandbox.info() as unknown as DeelSandboxInfo,
    stats: () => sandbox.stats(),
    close: () => sandbox.close(),
  };
}
