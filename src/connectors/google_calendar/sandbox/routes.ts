import { RateLimitWindow, type SandboxRequest, type SandboxResponse, type SimulatorContext, type SimulatorOverride } from '../../kit/sandbox/index.js';
import { listCalendars, listEvents } from './lists.js';
import type { CalendarRecords } from './records.js';
import { insufficientPermissions, notFound, rateLimitExceeded } from './responses.js';

/**
 * The Calendar API v3 (read side) over the kit's stores: `users/me/calendarList[/{calendarId}]`,
 * `calendars/{calendarId}`, `calendars/{calendarId}/events[/{eventId}]` (`primary` names the user's calendar).
 * Any write is refused for the token's read-only scope; other paths fall through to the simulator's 404.
 */
export function calendarRoutes(records: CalendarRecords): SimulatorOverride {
  const prefix = '/calendar/v3/';
  return (req: SandboxRequest, ctx: SimulatorContext): SandboxResponse | undefined => {
    if (!req.url.pathname.startsWith(prefix)) return undefined;
    if (req.method !== 'GET') return insufficientPermissions();
    let segments: string[];
    try {
      segments = req.url.pathname.slice(prefix.length).split('/').filter((p) => p !== '').map(decodeURIComponent);
    } catch {
      return notFound(); // a malformed escape names nothing
    }
    const [a, b, c, d, ...rest] = segments;
    const calendarId = a === 'users' && b === 'me' && c === 'calendarList' ? d : a === 'calendars' ? b : undefined;
    const calendar = calendarId === undefined ? undefined : records.world.calendars[records.world.calendarIndex(calendarId) ?? -1];
    const calendars = ctx.store('calendars');
    if (a === 'users') {
      if (b !== 'me' || c !== 'calendarList' || rest.length > 0) return notFound();
      if (d === undefined) return listCalendars(calendars, records, req.url.searchParams);
      const entry = calendar && calendars.get(calendar.id);
      return entry ? { status: 200, body: records.calendarListEntry(entry) } : notFound();
    }
    const entry = calendar && calendars.get(calendar.id);
    if (a !== 'calendars' || !calendar || !entry || (c !== undefined && c !== 'events') || rest.length > 0) return notFound();
    if (c === undefined) return { status: 200, body: records.calendar(entry) };
    const events = ctx.store('events');
    if (d === undefined) return listEvents({ events, calendars, records }, calendar, req.url.searchParams);
    // `events.get` returns a deleted event too, as a cancelled one.
    const event = events.get(`${calendar.id}:${d}`);
    return event ? { status: 200, body: records.event(event) } : notFound();
  };
}

/**
 * Google's per-user quota (queries a minute): counted always, refused with 403 `rateLimitExceeded` only when
 * enforced. Google sends no rate-limit headers.
 */
export function quotaRoute(perMinute: number, enforce: boolean): SimulatorOverride {
  const window = new RateLimitWindow(perMinute, 60, enforce);
  return () => (window.hit().exhausted ? rateLimitExceeded(403) : undefined);
}
