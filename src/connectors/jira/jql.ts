import { jqlMinute, wallClockAt, type WallClock } from './time-zone.js';

/**
 * The JQL the issues stream sends. JQL dates go to the minute (`"yyyy-MM-dd HH:mm"`) and are read in the user's
 * time zone, so a cursor becomes the minute it falls in, on the user's clock: the query then re-reads the part of
 * that minute before the cursor, which the stream drops (overlap, then dedupe), and never skips anything after it.
 */

/** The enhanced search refuses unbounded queries; a date this early bounds it without leaving anything out. */
const beginning = '1970-01-01 00:00';

/**
 * Without the user's zone, a UTC wall clock 12 hours earlier is at or before the cursor in every zone Jira offers
 * (UTC-12 to UTC+14): a wider overlap, never a gap.
 */
const unknownZoneLagMs = 12 * 3_600_000;

/** The minute literal for a cursor (epoch ms) as Jira will read it. */
export function cursorMinute(cursorMs: number, timeZone: string | null): string {
  const wall: WallClock = timeZone ? wallClockAt(cursorMs, timeZone) : wallClockAt(cursorMs - unknownZoneLagMs, 'UTC');
  return jqlMinute(wall);
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * `[project in (…) AND] updated >= "<minute>" ORDER BY updated ASC, key ASC`. The key breaks ties between issues
 * updated at the same instant, so pages stay stable.
 */
export function issuesJql(projects: string[] | null, since: string | null): string {
  const clauses: string[] = [];
  if (projects) clauses.push(`project in (${projects.map(quote).join(', ')})`);
  clauses.push(`updated >= ${quote(since ?? beginning)}`);
  return `${clauses.join(' AND ')} ORDER BY updated ASC, key ASC`;
}
