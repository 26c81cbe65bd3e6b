import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { createSimulator, SandboxClock, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { manifest } from '../manifest.js';
import { calendarChanges } from './changes.js';
import { CalendarHistory } from './history.js';
import { DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID, DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET, googleOAuth } from './oauth-app.js';
import { CalendarRecords } from './records.js';
import { faultResponse, googleErrorBody, googleFinish } from './responses.js';
import { calendarRoutes, quotaRoute } from './routes.js';
import { sandboxStreams } from './sandbox-streams.js';
import { CalendarWorld } from './world.js';

export { DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID, DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET };

/** Accepted when no token is given; printed by `tributary sandbox google_calendar`. */
export const DEFAULT_GOOGLE_CALENDAR_SANDBOX_TOKEN = 'ya29.sandbox-tributary-calendar-0000000000000000';

export interface GoogleCalendarSandboxOptions extends SandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Queries per minute per user (Google's default per-user quota is 600). */
  quotaPerMinute?: number;
  /** Refuse requests with 403 `rateLimitExceeded` once the minute's quota is spent. Default false. */
  enforceQuota?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface CalendarSandboxInfo {
  provider: 'google_calendar';
  seed: number;
  user: string;
  clock: string;
  /** Change batches applied so far. */
  change_batches: number;
  /** Bumped by `expireSyncTokens`. */
  sync_token_epoch: number;
  counts: { calendars: number; events: number };
  calendars: { id: string; summary: string; access_role: string; events: number }[];
  oauth: { authorize: number; authorization_code: number; refresh_token: number; revoke: number };
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
 * Starts the Google Calendar simulator: the kit's simulator with `records` events spread over the three calendars
 * of one user's calendar list, Google's lists, sync tokens, error container, quota and OAuth endpoints (on the
 * same port) as overrides and hooks.
 *
 * @example
 * const sandbox = await createGoogleCalendarSandbox({ port: 0, records: 1000, seed: 42 });
 * const res = await fetch(`${sandbox.url}/calendar/v3/users/me/calendarList`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createGoogleCalendarSandbox(options: GoogleCalendarSandboxOptions): Promise<GoogleCalendarSandboxHandle> {
  const world = new CalendarWorld(options.seed);
  // Each seed's data ends on its own day, up to 96 days before June 2024.
  const seededUntil = Date.UTC(2024, 5, 1) / 1000 - (Math.abs(Math.trunc(options.seed)) % 97) * 86_400;
  const records = new CalendarRecords(world, options.seed, new CalendarHistory(options.seed, seededUntil));
  const oauth = googleOAuth(options.clientId ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID, options.clientSecret ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET);
  const calendarAt = (index: number) => world.calendars[index % world.calendars.length]!.id;
  const clock = new SandboxClock(seededUntil, 60);
  let syncTokenEpoch = 1;
  const sandbox = await createSimulator({
    manifest,
    streams: sandboxStreams,
    provider: {
      name: 'google_calendar',
      errorBody: googleErrorBody,
      finish: googleFinish,
      fault: faultResponse,
      oauth,
      // Google also takes the token as `access_token` in the query.
      accepts: (req) => oauth.accepts(req.url.searchParams.get('access_token')),
      // The stores hold keys only (records.ts draws what Google prints): calendar ids as Google writes them, and
      // event `k` on calendar `k % 3` with a base32hex id, which is also its partition.
      draw: {
        calendars: (index) => ({ id: calendarAt(index) }),
        events: (index) => ({ calendar_id: calendarAt(index), id: world.eventId(index) }),
      },
      overrides: {
        quota: quotaRoute(options.quotaPerMinute ?? 600, options.enforceQuota ?? false),
        calendar: calendarRoutes(records),
      },
      changes: calendarChanges(records, clock),
      info: (ctx) => ({
        user: world.user.email,
        change_batches: records.history.batches,
        sync_token_epoch: syncTokenEpoch,
        calendars: world.calendars.map((c) => ({ id: c.id, summary: c.summary, access_role: c.accessRole, events: ctx.store('events').liveCount(c.id) })),
        oauth: { ...oauth.counts },
      }),
    },
    options: {
      port: options.port,
      records: options.records,
      seed: options.seed,
      token: options.token ?? DEFAULT_GOOGLE_CALENDAR_SANDBOX_TOKEN,
      ...(options.host === undefined ? {} : { host: options.host }),
      clock,
      counts: { calendars: world.calendars.length },
    },
  });
  return {
    url: sandbox.url,
    port: sandbox.port,
    token: sandbox.token,
    oauth: oauth.endpoints(sandbox.url),
    connectConfig: sandbox.connectConfig ?? {},
    info: () => sandbox.info() as unknown as CalendarSandboxInfo,
    stats: () => sandbox.stats(),
    expireSyncTokens: () => {
      sandbox.expireExportTokens();
      return (syncTokenEpoch += 1);
    },
    expireAccessTokens: () => oauth.expireAccessTokens(),
    close: () => sandbox.close(),
  };
}
