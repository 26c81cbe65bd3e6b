import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { calendarWindow, MicrosoftGraphApi, type MicrosoftSandboxInfo } from './api.js';
import { DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, IdentityPlatform } from './identity.js';

export { DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET };
export type { MicrosoftSandboxInfo };

/** Accepted when no token is given; printed by `tributary sandbox microsoft`. JWT-shaped, as Graph's tokens are. */
export const DEFAULT_MICROSOFT_SANDBOX_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzYW5kYm94IjoidHJpYnV0YXJ5In0.sandbox-static-token';

export interface MicrosoftSandboxOptions extends SandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Requests per 10 minutes (default 10,000, the Outlook service's limit per mailbox). */
  rateLimit?: number;
  /** Answer 429 once the budget is spent. Default false: the window restarts. */
  enforceRateLimit?: boolean;
  /** Delta tokens the sandbox remembers before the oldest ones expire (default 1,000). */
  deltaTokenCapacity?: number;
}

export interface MicrosoftSandboxHandle extends SandboxHandle {
  oauth: NonNullable<SandboxHandle['oauth']>;
  connectConfig: Record<string, unknown>;
  info(): MicrosoftSandboxInfo;
  stats(): StatsSnapshot;
  /** Forgets every delta token issued so far, so the next delta request gets `410 syncStateNotFound`. */
  expireDeltaTokens(): number;
  api: MicrosoftGraphApi;
}

/**
 * Starts the Microsoft Graph simulator: one mailbox with `records` calendar events and `records` messages
 * (four in five in the Inbox, the rest in Sent Items), generated on the fly from `seed`, plus the identity
 * platform's authorize and token endpoints.
 *
 * @example
 * const sandbox = await createMicrosoftSandbox({ port: 0, records: 1000, seed: 42 });
 * const me = await fetch(`${sandbox.url}/v1.0/me`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createMicrosoftSandbox(options: MicrosoftSandboxOptions): Promise<MicrosoftSandboxHandle> {
  const token = options.token ?? DEFAULT_MICROSOFT_SANDBOX_TOKEN;
  const oauth = new IdentityPlatform(options.clientId ?? DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, options.clientSecret ?? DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, options.seed);
  oauth.addStaticToken(token);
  const api = new MicrosoftGraphApi({
    seed: options.seed,
    records: options.records,
    oauth,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
    ...(options.deltaTokenCapacity === undefined ? {} : { deltaTokenCapacity: options.deltaTokenCapacity }),
  });
  const server = await startSandboxServer({ port: options.port, ...(options.host === undefined ? {} : { host: options.host }), provider: api });
  const endpoints = oauth.endpoints(server.url);
  const window = calendarWindow(api.store.world.anchor);
  return {
    url: server.url,
    port: server.port,
    token,
    oauth: endpoints,
    connectConfig: {
      base_url: `${server.url}/v1.0`,
      tenant: 'common',
      calendar_start: window.start,
      calendar_end: window.end,
      mail_folders: 'inbox, sentitems',
      ...oauthOverrides(endpoints),
    },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    expireDeltaTokens: () => api.delta.expireTokens(),
    api,
    close: () => server.close(),
  };
}
