import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { GmailApi, type GmailSandboxInfo } from './api.js';
import { DEFAULT_GMAIL_SANDBOX_CLIENT_ID, DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET, gmailOAuth } from './oauth-app.js';

export { DEFAULT_GMAIL_SANDBOX_CLIENT_ID, DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET };
export type { GmailSandboxInfo };

/** A long-lived access token the sandbox always accepts (real Google access tokens expire after an hour). */
export const DEFAULT_GMAIL_SANDBOX_TOKEN = 'ya29.sandbox_tributary_gmail_token_000000000000';

export interface GmailSandboxOptions extends SandboxOptions {
  /** History records kept; older start ids get 404. Default 50,000. */
  historyRetention?: number;
  /** Quota units a minute (Gmail: 15,000 per user). */
  quotaPerMinute?: number;
  /** Answer requests past the quota with 403 userRateLimitExceeded. Default false. */
  enforceQuota?: boolean;
  clientId?: string;
  clientSecret?: string;
}

export interface GmailSandboxHandle extends SandboxHandle {
  info(): GmailSandboxInfo;
  stats(): StatsSnapshot;
  /** Drops the history so far, as Gmail does after about a week: saved history ids then get 404. */
  expireHistory(): void;
}

/**
 * Starts the Gmail simulator: one mailbox of `records` messages in threads, generated on the fly from `seed`,
 * behind Google's OAuth endpoints.
 *
 * @example
 * const sandbox = await createGmailSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.url}/gmail/v1/users/me/messages`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createGmailSandbox(options: GmailSandboxOptions): Promise<GmailSandboxHandle> {
  const token = options.token ?? DEFAULT_GMAIL_SANDBOX_TOKEN;
  const oauth = gmailOAuth(options.clientId, options.clientSecret);
  oauth.addStaticToken(token);
  const api = new GmailApi({
    seed: options.seed,
    records: options.records,
    ...(options.world === undefined ? {} : { world: options.world }),
    oauth,
    ...(options.historyRetention === undefined ? {} : { historyRetention: options.historyRetention }),
    ...(options.quotaPerMinute === undefined ? {} : { quotaPerMinute: options.quotaPerMinute }),
    ...(options.enforceQuota === undefined ? {} : { enforceQuota: options.enforceQuota }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  const endpoints = oauth.endpoints(server.url);
  return {
    url: server.url,
    port: server.port,
    token,
    oauth: endpoints,
    connectConfig: { base_url: server.url, ...oauthOverrides(endpoints) },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    expireHistory: () => api.mailbox.expireHistory(),
    close: () => server.close(),
  };
}
