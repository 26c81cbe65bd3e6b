import { AppError, configList, type LenientState } from '../kit/index.js';

/** What the Microsoft streams share: config parsing, the calendar window, hand-set cursors. */

const dayMs = 86_400_000;
/** A rolling window is re-anchored once today has moved this far from where it was anchored. */
const rewindowAfterMs = 7 * dayMs;

export interface CalendarWindow {
  /** `YYYY-MM-DDT00:00:00Z` */
  start: string;
  end: string;
}

function utcMidnight(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 10)}T00:00:00Z`;
}

function configDate(config: Record<string, unknown>, key: string): string | null {
  const raw = config[key];
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const text = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new AppError('validation_failed', `${key}: "${text}" is not a date (YYYY-MM-DD)`, { field: `config.${key}` });
  }
  return `${text}T00:00:00Z`;
}

/**
 * The calendar view to sync: the configured dates, or from 365 days ago to 365 days ahead (UTC midnights).
 * `explicit` says whether the user fixed it; a rolling one follows the clock.
 */
export function calendarWindow(config: Record<string, unknown>, now = Date.now()): { window: CalendarWindow; explicit: boolean } {
  const start = configDate(config, 'calendar_start');
  const end = configDate(config, 'calendar_end');
  const window = { start: start ?? utcMidnight(now - 365 * dayMs), end: end ?? utcMidnight(now + 365 * dayMs) };
  if (Date.parse(window.start) >= Date.parse(window.end)) {
    throw new AppError('validation_failed', `calendar window: ${window.start} is not before ${window.end}`, { field: 'config.calendar_end' });
  }
  return { window, explicit: start !== null || end !== null };
}

/**
 * A calendar view delta is bound to the window of its first request; a different window needs a new round.
 * A configured window changes when the user changes it; a rolling one is moved weekly, not daily, since each
 * move re-reads the whole view.
 */
export function windowMoved(stored: CalendarWindow, desired: CalendarWindow, explicit: boolean): boolean {
  if (explicit) return stored.start !== desired.start || stored.end !== desired.end;
  return Math.abs(Date.parse(desired.start) - Date.parse(stored.start)) >= rewindowAfterMs || Math.abs(Date.parse(desired.end) - Date.parse(stored.end)) >= rewindowAfterMs;
}

/** The window a saved calendar view round was read with. */
export function readWindow(state: LenientState): CalendarWindow | null {
  const window = state.object('window');
  const start = window?.text('start') ?? null;
  const end = window?.text('end') ?? null;
  return start === null || end === null ? null : { start, end };
}

/**
 * A cursor set by hand (`PATCH /connections/:id/state { cursor }`): a saved delta link (`https://…$deltatoken=…`)
 * resumes from it; an ISO date starts a fresh round that keeps only items modified at or after it.
 */
export function handSetCursor(state: LenientState): { link: string | null; floor: number | null } {
  const text = state.text('cursor')?.trim() ?? '';
  if (text === '') return { link: null, floor: null };
  if (/^https?:\/\//i.test(text)) return { link: text, floor: null };
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new AppError('validation_failed', `cursor: "${text}" is neither a date nor a delta link`, { field: 'cursor' });
  return { link: null, floor: ms };
}

const wellKnownFolder = /^[A-Za-z]+$/;

/** The `mail_folders` config (a comma list, or an array): well-known names lower-cased, ids kept; default inbox. */
export function mailFolders(config: Record<string, unknown>): string[] {
  const names = configList(config, 'mail_folders');
  for (const name of names) {
    if (!/^[A-Za-z0-9_=-]+$/.test(name)) throw new AppError('validation_failed', `mail_folders: "${name}" is not a folder name or id`, { field: 'config.mail_folders' });
  }
  const normalised = names.map((name) => (wellKnownFolder.test(name) ? name.toLowerCase() : name));
  return normalised.length === 0 ? ['inbox'] : [...new Set(normalised)];
}

/** A saved link: `{ nextLink }` mid-round, `{ deltaLink }` between rounds. */
export function readLink(state: LenientState | null | undefined): string | null {
  return state?.text('nextLink') ?? state?.text('deltaLink') ?? null;
}
