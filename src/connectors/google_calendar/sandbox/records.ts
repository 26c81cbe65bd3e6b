import type { JsonRecord } from '../../kit/index.js';
import { hash32, paragraphs, Prng, type StoredRecord } from '../../kit/sandbox/index.js';
import type { CalendarHistory } from './history.js';
import type { CalendarFacts, CalendarWorld, Person } from './world.js';

/**
 * Google's JSON shapes for calendar list entries, calendars and events, drawn from `(seed, index, edits)` of the
 * kit store's entry: the store keeps which records exist, their order and last change; what Google prints of them
 * (times in the calendar's zone, attendees from the account's people, base32hex ids) is drawn here. Times are
 * RFC 3339: `created`/`updated` in UTC with milliseconds, `start`/`end` in the calendar's time zone with its
 * offset, as Google prints them.
 */

const meetingTitles = [
  'Weekly sync', 'Sprint planning', 'Design review', '1:1', 'Quarterly business review', 'Customer call',
  'Incident retrospective', 'Roadmap workshop', 'Interview', 'Budget review', 'Architecture deep dive',
  'Launch readiness', 'Lunch & learn', 'Board prep', 'Demo day', 'Security review', 'Onboarding session',
];
const topics = ['billing', 'the mobile app', 'search', 'onboarding', 'the data platform', 'pricing', 'Q3 goals', 'the API'];
const locations = [
  'Room 4.12 (Everest)', 'Room 2.03 (Matterhorn)', 'Cafeteria', 'Main auditorium', 'Zürich office, 3rd floor',
  'Online', 'Berlin HQ – Spree room', 'Client office, 500 Market St', 'Phone',
];
const rules = ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'RRULE:FREQ=WEEKLY;BYDAY=TU,TH', 'RRULE:FREQ=DAILY;COUNT=10', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1'];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2024-05-02T09:30:00+02:00`: an instant in a time zone, with that zone's offset. */
function zonedRfc3339(ms: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      hourCycle: 'h23', timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  const offset = (parts['timeZoneName'] ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}${offset}`;
}

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

function personOf(world: CalendarWorld, calendar: CalendarFacts, role: CalendarFacts['organizer']): Person & { self?: true } {
  if (role === 'user') return { ...world.user, self: true };
  if (role === 'calendar') return { email: calendar.id, displayName: calendar.summary, self: true };
  return world.people[0]!;
}

export class CalendarRecords {
  constructor(
    readonly world: CalendarWorld,
    private readonly seed: number,
    readonly history: CalendarHistory,
  ) {}

  /** The calendar a store entry of either stream belongs to (an event's partition, a calendar's key). */
  calendarOf(entry: StoredRecord): CalendarFacts {
    return this.world.calendars[this.world.calendarIndex(entry.partition ?? entry.key) ?? 0]!;
  }

  calendarListEntry(entry: StoredRecord): JsonRecord {
    const calendar = this.calendarOf(entry);
    const version = this.history.version(entry.key);
    return {
      kind: 'calendar#calendarListEntry',
      etag: `"${entry.at * 1_000_000}"`,
      id: calendar.id,
      summary: calendar.summary,
      ...(calendar.description === null ? {} : { description: calendar.description }),
      timeZone: calendar.timeZone,
      ...(version > 0 ? { summaryOverride: `${calendar.summary} (renamed ${version}×)` } : {}),
      colorId: calendar.colorId,
      backgroundColor: calendar.backgroundColor,
      foregroundColor: calendar.foregroundColor,
      selected: true,
      accessRole: calendar.accessRole,
      defaultReminders: calendar.accessRole === 'owner' ? [{ method: 'popup', minutes: 10 }] : [],
      ...(calendar.primary
        ? {
            notificationSettings: {
              notifications: ['eventCreation', 'eventChange', 'eventCancellation', 'eventResponse'].map((type) => ({ type, method: 'email' })),
            },
            primary: true,
          }
        : {}),
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
  }

  /** `calendars.get`: the calendar itself, without the user's list settings. */
  calendar(entry: StoredRecord): JsonRecord {
    const calendar = this.calendarOf(entry);
    return {
      kind: 'calendar#calendar',
      etag: `"${entry.at * 1_000_000}"`,
      id: calendar.id,
      summary: calendar.summary,
      ...(calendar.description === null ? {} : { description: calendar.description }),
      timeZone: calendar.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
  }

  /** An event as lists and `events.get` return it; a deleted one as Google reports it, only its id and status. */
  event(entry: StoredRecord): JsonRecord {
    if (entry.deleted) return { kind: 'calendar#event', etag: etagOf(entry.at * 1000, entry.index), id: this.world.eventId(entry.index), status: 'cancelled' };
    return liveEvent(this.world, this.seed, this.calendarOf(entry), entry.index, this.history.version(entry.key), this.history.createdMs(entry.index, entry.at), entry.at * 1000);
  }
}

function etagOf(updatedMs: number, k: number): string {
  return `"${updatedMs * 1000 + (k % 1000)}"`;
}

function liveEvent(world: CalendarWorld, seed: number, calendar: CalendarFacts, k: number, version: number, createdMs: number, updatedMs: number): JsonRecord {
  const id = world.eventId(k);
  // What never changes (kind of event, its first date, who made it) comes from `base`; an update redraws the rest.
  const base = new Prng(hash32(seed, k, 0xe0));
  const rng = new Prng(hash32(seed, k, 0xe7, version));
  const allDay = base.chance(0.08);
  const recurring = !allDay && base.chance(0.1);
  const day = Math.floor(createdMs / 86_400_000) + base.range(-30, 120) + (version > 0 ? rng.range(-2, 2) : 0);
  const organizer = personOf(world, calendar, calendar.organizer);
  const creator = calendar.organizer === 'calendar' ? { email: world.user.email, self: true } : organizer;

  let start: Record<string, string>;
  let end: Record<string, string>;
  if (allDay) {
    const days = base.range(1, 3);
    start = { date: isoMs(day * 86_400_000).slice(0, 10) };
    end = { date: isoMs((day + days) * 86_400_000).slice(0, 10) };
  } else {
    const startMs = day * 86_400_000 + (base.range(6, 16) * 60 + rng.pick([0, 30])) * 60_000;
    const endMs = startMs + rng.pick([30, 45, 60, 60, 90, 120]) * 60_000;
    start = { dateTime: zonedRfc3339(startMs, calendar.timeZone), timeZone: calendar.timeZone };
    end = { dateTime: zonedRfc3339(endMs, calendar.timeZone), timeZone: calendar.timeZone };
  }
  const title = allDay ? rng.pick(['Offsite', 'Conference', 'Company holiday', 'Hackathon', 'Out of office']) : rng.pick(meetingTitles);
  const summary = rng.chance(0.4) ? `${title}: ${rng.pick(topics)}` : title;
  const attendees = !allDay && rng.chance(0.7) ? attendeeList(world, organizer, rng) : null;

  return {
    kind: 'calendar#event',
    etag: etagOf(updatedMs, k),
    id,
    status: rng.chance(0.1) ? 'tentative' : 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendar.id}`).toString('base64url')}`,
    created: isoMs(createdMs),
    updated: isoMs(updatedMs),
    summary,
    ...(rng.chance(0.6) ? { description: paragraphs(rng, rng.range(60, 400)) } : {}),
    ...(rng.chance(0.5) ? { location: rng.pick(locations) } : {}),
    ...(rng.chance(0.2) ? { colorId: String(rng.range(1, 11)) } : {}),
    creator,
    organizer,
    start,
    end,
    ...(recurring ? { recurrence: [base.pick(rules)] } : {}),
    ...(allDay ? { transparency: 'transparent' } : {}),
    iCalUID: `${id}@google.com`,
    sequence: version,
    ...(attendees ? { attendees } : {}),
    ...(attendees && rng.chance(0.6) ? { hangoutLink: `https://meet.google.com/${meetCode(rng)}` } : {}),
    reminders: { useDefault: true },
    eventType: 'default',
  };
}

function attendeeList(world: CalendarWorld, organizer: Person & { self?: true }, rng: Prng): Record<string, unknown>[] {
  const guests = rng.sample(world.people.slice(1), rng.range(1, 4));
  const list: Record<string, unknown>[] = [{ email: organizer.email, organizer: true, ...(organizer.self ? { self: true } : {}), responseStatus: 'accepted' }];
  if (!organizer.self) list.push({ email: world.user.email, self: true, responseStatus: rng.pick(['needsAction', 'accepted', 'tentative', 'declined']) });
  for (const guest of guests) {
    list.push({
      email: guest.email,
      ...(rng.chance(0.5) ? { displayName: guest.displayName } : {}),
      ...(rng.chance(0.15) ? { optional: true } : {}),
      responseStatus: rng.pick(['needsAction', 'accepted', 'accepted', 'tentative', 'declined']),
    });
  }
  return list;
}

function meetCode(rng: Prng): string {
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + rng.int(26))).join('');
  return `${letters(3)}-${letters(4)}-${letters(3)}`;
}
