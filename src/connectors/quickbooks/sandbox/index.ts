import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { hash32, oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { QuickBooksApi, type QuickBooksSandboxInfo } from './api.js';
import { intuitOAuthPaths } from './intuit-oauth.js';

export type { QuickBooksSandboxInfo };

/** Accepted as a long-lived access token when no token is given; printed by `tributary sandbox quickbooks`. */
export const DEFAULT_QUICKBOOKS_SANDBOX_TOKEN = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..sandbox-tributary-quickbooks';
/** The sandbox's OAuth app (Intuit development keys look like these: an `AB…` client id and a 40-character secret). */
export const DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID = 'ABsandboxTributaryQuickBooks0000000000000000000000';
export const DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET = 'sandboxQuickBooksSecret00000000000000000';

export interface QuickBooksSandboxOptions extends SandboxOptions {
  /** Requests a minute per realm before 429 ThrottleExceeded. Default 500. */
  rateLimit?: number;
  enforceRateLimit?: boolean;
  clientId?: string;
  clientSecret?: string;
}

export interface QuickBooksSandboxHandle extends SandboxHandle {
  /** The simulated company's id, the `realmId` of every path and of the OAuth redirect. */
  realmId: string;
  info(): QuickBooksSandboxInfo;
  /** Records a report stream reads for a date range summarised by month. */
  reportRecords(stream: 'profit_and_loss' | 'balance_sheet', start: string, end: string): number;
  stats(): StatsSnapshot;
}

/** A 16-digit company id like Intuit's sandbox companies' (`9130 3497 3065 4316`), from the seed. */
export function realmIdFor(seed: number): string {
  return `9130${String(hash32(seed, 0x4ea1) % 1_000_000).padStart(6, '0')}${String(hash32(seed, 0x4ea2) % 1_000_000).padStart(6, '0')}`;
}

/**
 * Starts the QuickBooks Online simulator: one company with `records` invoices and about a fifth as many
 * customers, generated on the fly from `seed`, its two reports, and Intuit's OAuth server.
 *
 * @example
 * const sandbox = await createQuickBooksSandbox({ port: 0, records: 1000, seed: 42 });
 * const q = encodeURIComponent('SELECT * FROM Invoice MAXRESULTS 10');
 * await fetch(`${sandbox.url}/v3/company/${sandbox.realmId}/query?query=${q}`, { headers: { authorization: `Bearer ${sandbox.token}`, accept: 'application/json' } });
 * await sandbox.close();
 */
export async function createQuickBooksSandbox(options: QuickBooksSandboxOptions): Promise<QuickBooksSandboxHandle> {
  const token = options.token ?? DEFAULT_QUICKBOOKS_SANDBOX_TOKEN;
  const realmId = realmIdFor(options.seed);
  const api = new QuickBooksApi({
    seed: options.seed,
    records: options.records,
    ...(options.world === undefined ? {} : { world: options.world }),
    token,
    realmId,
    clientId: options.clientId ?? DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.enforceRateLimit === undefined ? {} : { enforceRateLimit: options.enforceRateLimit }),
  });
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  const oauth = api.oauth.endpoints(server.url);
  return {
    url: server.url,
    port: server.port,
    token,
    realmId,
    oauth,
    connectConfig: {
      base_url: server.url,
      realm_id: realmId,
      ...oauthOverrides(oauth),
    },
    info: () => api.info(),
    reportRecords: (stream, start, end) => api.reportRecords(stream, start, end),
    stats: () => server.stats.snapshot(),
    close: () => server.close(),
  };
}

export { intuitOAuthPaths };
