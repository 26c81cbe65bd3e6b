import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { oauthOverrides, startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { CalendarApi, type CalendarSandboxInfo } from './api.js';

export type { CalendarSandboxInfo };

/** Accepted when no token is given; printed by `tributary sandbox google_calendar`. */
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_TOKEN = 'ya29.sandbox-tributary-calendar-0000000000000000';
/** The sandbox's OAuth client, shaped like a Google Cloud "Web application" client. */
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID = '123456789012-sandbox0tributary0calendar.apps.googleusercontent.com';
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET = 'GOCSPX-sandbox_tributary_calendar';

export interface GoogleCalendarSandboxOptions extends SandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Queries per minute per user (Google's default per-user quota is 600). */
  quotaPerMinute?: number;
  /** Refuse requests with 403 `rateLimitExceeded` once the minute's quota is spent. Default false. */
  enforceQuota?: boolean;
}

export interface GoogleCalendarSandboxHandle extends SandboxHandle {
  oauth: { client_id: string; client_secret: string; authorization_url: string; token_url: string; revocation_url?: string };
  connectConfig: Record<string, unknown>;
  /** What `GET /_sandbox/info` returns: the user, calendars, live event counts, change batches. */
  info(): CalendarSandboxInfo;
  stats(): StatsSnapshot;
  /** Every sync token issued so far is answered with 410 Gone from now on, as when Google expires them. */
  expireSyncTokens(): number;
  /** Every OAuth access token issued so far stops working (refresh tokens stay good). */
  expireAccessTokens(): number;
}

/**
 * Starts the Google Calendar simulator: `records` events spread over the three calendars of one user's
 * calendar list, generated on the fly from `seed`, with Google's OAuth endpoints on the same port.
 *
 * @example
 * const sandbox = await createGoogleCalendarSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.url}/calendar/v3/users/me/calendarList`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createGoogleCalendarSandbox(options: GoogleCalendarSandboxOptions): Promise<GoogleCalendarSandboxHandle> {
  const token = options.token ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_TOKEN;
  const api = new CalendarApi({
    seed: options.seed,
    records: options.records,
    token,
    clientId: options.clientId ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET,
    ...(options.quotaPerMinute === undefined ? {} : { quotaPerMinute: options.quotaPerMinute }),
    ...(options.enforceQuota === undefined ? {} : { enforceQuota: options.enforceQuota }),
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
    oauth,
    // The API and the OAuth endpoints both live on the sandbox's one origin.
    connectConfig: {
      base_url: server.url,
      ...oauthOverrides(oauth),
    },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    expireSyncTokens: () => api.store.expireSyncTokens(),
    expireAccessTokens: () => api.oauth.expireAccessTokens(),
    close: () => server.close(),
  };
}
