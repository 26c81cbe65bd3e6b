import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  RateLimitWindow,
  SandboxOAuth,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { listCalendars, listEvents, type ListContext } from './lists.js';
import { calendarListEntry, cancelledEvent, event, isoMs } from './objects.js';
import {
  commonHeaders,
  faultResponse,
  googleError,
  invalidCredentials,
  missingCredentials,
  notFound,
  rateLimitExceeded,
} from './responses.js';
import { CalendarStore, type CalendarChangeResult, type EventChangeResult } from './store.js';
import { CalendarWorld } from './world.js';

/**
 * The simulated Calendar API v3 (read side) behind `https://www.googleapis.com`, plus Google's OAuth 2.0
 * endpoints (`/o/oauth2/v2/auth`, `/token`, `/revoke`) through the shared `SandboxOAuth`.
 */
export interface CalendarApiOptions {
  seed: number;
  records: number;
  /** A long-lived access token the sandbox always accepts (printed by the CLI). */
  token: string;
  clientId: string;
  clientSecret: string;
  /** Queries per minute per user before Google's 403 `rateLimitExceeded`. Default 600. */
  quotaPerMinute?: number;
  /** Refuse requests once the minute's quota is spent. Default false: the window restarts. */
  enforceQuota?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface CalendarSandboxInfo {
  provider: 'google_calendar';
  seed: number;
  user: string;
  clock: string;
  /** Change batches applied so far; a sync token remembers the batch it was issued at. */
  change_batches: number;
  sync_token_epoch: number;
  counts: { calendars: number; events: number };
  calendars: { id: string; summary: string; access_role: string; events: number }[];
  oauth: { authorize: number; authorization_code: number; refresh_token: number; revoke: number };
}

const apiPrefix = '/calendar/v3';

export class CalendarApi implements SandboxProvider {
  readonly world: CalendarWorld;
  readonly store: CalendarStore;
  readonly oauth: SandboxOAuth;
  private readonly quota: RateLimitWindow;

  constructor(private readonly options: CalendarApiOptions) {
    this.world = new CalendarWorld(options.seed);
    this.store = new CalendarStore(options.seed, options.records, this.world);
    this.quota = new RateLimitWindow(options.quotaPerMinute ?? 600, 60, options.enforceQuota ?? false);
    this.oauth = new SandboxOAuth({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      paths: { authorize: '/o/oauth2/v2/auth', token: '/token', revoke: '/revoke' },
      accessTokenTtlSeconds: 3599,
      tokenPrefix: 'ya29.',
      refreshTokenPrefix: '1//',
      // Google sends the refresh token with the code exchange only; a refresh answers without one.
      tokenResponse: (standard, grant) => {
        const { refresh_token: refreshToken, ...rest } = standard;
        return grant === 'refresh_token' || refreshToken === undefined ? rest : { ...rest, refresh_token: refreshToken };
      },
    });
    this.oauth.addStaticToken(options.token);
  }

  handle(req: SandboxRequest): SandboxResponse {
    // Google also takes the token as `access_token` in the query.
    const token = bearerOf(req) ?? req.url.searchParams.get('access_token');
    if (token === null) {
      return req.headers.authorization ? invalidCredentials() : missingCredentials();
    }
    if (!this.oauth.accepts(token)) return invalidCredentials();
    if (this.quota.hit().exhausted) return rateLimitExceeded(403);
    const parts = req.url.pathname.split('/').filter((p) => p !== '');
    if (`/${parts.slice(0, 2).join('/')}` !== apiPrefix) return notFound();
    const route = parts.slice(2).map((p) => decodeURIComponent(p));
    if (req.method !== 'GET') {
      // The token only carries calendar.readonly, so any write is refused for its scope.
      return googleError(403, 'Request had insufficient authentication scopes.', {
        message: 'Insufficient Permission',
        domain: 'global',
        reason: 'insufficientPermissions',
      });
    }
    const response = this.route(route, req);
    return { ...response, headers: { ...commonHeaders(), ...response.headers } };
  }

  private route(route: string[], req: SandboxRequest): SandboxResponse {
    const ctx: ListContext = { store: this.store, params: req.url.searchParams };
    const [a, b, c, d, e] = route;
    // users/me/calendarList[/{calendarId}]
    if (a === 'users' && b === 'me' && c === 'calendarList') {
      if (route.length === 3) return listCalendars(ctx);
      if (route.length === 4) {
        const index = this.world.calendarIndex(d!);
        return index === null ? notFound() : { status: 200, body: calendarListEntry(this.store, index) };
      }
    }
    if (a === 'calendars' && b !== undefined) {
      const index = this.world.calendarIndex(b);
      if (index === null) return notFound();
      if (route.length === 2) return { status: 200, body: this.calendarResource(index) };
      if (c === 'events' && route.length === 3) return listEvents(ctx, index);
      if (c === 'events' && route.length === 4) return this.getEvent(index, d!);
      if (e !== undefined) return notFound();
    }
    return notFound();
  }

  /** `events.get` returns deleted events too, as cancelled ones. */
  private getEvent(calendar: number, eventId: string): SandboxResponse {
    const k = /^[0-9a-v]{22}$/.test(eventId) ? Number.parseInt(eventId.slice(16), 32) : Number.NaN;
    if (!Number.isSafeInteger(k) || k >= this.store.nextIndex || this.store.calendarOf(k) !== calendar || this.world.eventId(k) !== eventId) return notFound();
    return { status: 200, body: this.store.isDeleted(k) ? cancelledEvent(this.store, k) : event(this.store, k) };
  }

  private calendarResource(c: number): Record<string, unknown> {
    const calendar = this.world.calendars[c]!;
    return {
      kind: 'calendar#calendar',
      etag: `"${this.store.calendarUpdatedMs(c) * 1000}"`,
      id: calendar.id,
      summary: calendar.summary,
      ...(calendar.description === null ? {} : { description: calendar.description }),
      timeZone: calendar.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
  }

  renderFault(fault: ActiveFault): SandboxResponse {
    return faultResponse(fault);
  }

  applyChanges(change: ChangeRequest): EventChangeResult | CalendarChangeResult {
    return this.store.applyChanges(change);
  }

  info(): CalendarSandboxInfo {
    const calendars = this.world.calendars.map((calendar, c) => ({
      id: calendar.id,
      summary: calendar.summary,
      access_role: calendar.accessRole,
      events: this.store.liveCount(c),
    }));
    return {
      provider: 'google_calendar',
      seed: this.options.seed,
      user: this.world.user.email,
      clock: isoMs(this.store.clock.now() * 1000),
      change_batches: this.store.seq,
      sync_token_epoch: this.store.tokenEpoch,
      counts: { calendars: calendars.length, events: calendars.reduce((sum, c) => sum + c.events, 0) },
      calendars,
      oauth: { ...this.oauth.counts },
    };
  }
}
