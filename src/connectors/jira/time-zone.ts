/**
 * Wall-clock arithmetic in an IANA time zone. Jira reads the dates in a JQL query in the *user's* time zone (the
 * one in their profile, `GET /rest/api/3/myself` → `timeZone`) and prints timestamps with that zone's offset, so
 * both the connector (writing a cursor into JQL) and the sandbox (reading it back) need it. Only `Intl` is used:
 * no time-zone database to ship.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `Intl` knows the zone (a profile may hold one this runtime does not). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/** What `Intl` says the wall clock reads at an instant: exact, but slow enough to matter for every timestamp. */
function intlWallClock(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']! % 24,
    minute: parts['minute']!,
    second: parts['second']!,
  };
}

function wallAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * Offsets only change at transitions, and those fall on quarter hours (every offset in use is a multiple of 15
 * minutes), so one `Intl` answer per zone and quarter hour is exact; the cache keeps a sandbox page cheap.
 */
const quarterHour = 900_000;
const offsetCache = new Map<string, number>();

/** The zone's offset from UTC at an instant, in minutes (east positive: Sydney +600, New York -300). */
export function offsetMinutesAt(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / quarterHour);
  const key = `${timeZone}|${bucket}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const start = bucket * quarterHour;
    offset = Math.round((wallAsUtc(intlWallClock(start, timeZone)) - start) / 60_000);
    if (offsetCache.size >= 200_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/** The wall clock in `timeZone` at an instant (epoch ms), to the second. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const local = new Date(epochMs + offsetMinutesAt(epochMs, timeZone) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/**
 * The instant a wall-clock time in `timeZone` names. A time that occurs twice (clocks going back) is the earlier
 * instant, and a time that never occurs (clocks going forward) moves forward by the gap — as Java's `ZonedDateTime`,
 * and so Jira, resolve them.
 */
export function instantOfWallClock(wall: WallClock, timeZone: string): number {
  const local = wallAsUtc(wall);
  const day = 86_400_000;
  const candidates = [...new Set([local - day, local, local + day].map((at) => local - offsetMinutesAt(at, timeZone) * 60_000))];
  const exact = candidates.filter((t) => wallAsUtc(wallClockAt(t, timeZone)) === local).sort((a, b) => a - b);
  if (exact.length > 0) return exact[0]!;
  return local - offsetMinutesAt(local - day, timeZone) * 60_000;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `yyyy-MM-dd HH:mm`: the most precise date literal JQL accepts. */
export function jqlMinute(wall: WallClock): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** Jira's timestamp format, `2024-05-01T21:30:05.123+1000`: the user's wall clock with its offset, no colon. */
export function jiraTimestamp(epochMs: number, timeZone: string): string {
  const wall = wallClockAt(epochMs, timeZone);
  const offset = offsetMinutesAt(epochMs, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return (
    `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}` +
    `.${pad(ms, 3)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}
