import type { Schedule } from '../contracts/api/connections.js';

const minutesOf: Record<NonNullable<Schedule['frequency']>, number> = { hourly: 60, daily: 1440, weekly: 10080, monthly: 0 };

/**
 * When a schedule fires next after `from`. Monthly follows the calendar (same day next month, clamped to the
 * month's end) rather than a fixed 30 days. A run that was due long ago fires once, not once per missed slot.
 */
export function nextRunAt(schedule: Schedule | null | undefined, from: Date, now: Date = from): Date | null {
  if (!schedule || schedule.enabled === false) return null;
  const step = (d: Date): Date => {
    if (schedule.frequency === 'monthly') {
      const next = new Date(d);
      const day = next.getUTCDate();
      next.setUTCDate(1);
      next.setUTCMonth(next.getUTCMonth() + 1);
      const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
      next.setUTCDate(Math.min(day, lastDay));
      return next;
    }
    const minutes = schedule.every_minutes ?? minutesOf[schedule.frequency!];
    return new Date(d.getTime() + minutes * 60_000);
  };
  let next = step(from);
  if (next <= now) next = step(now);
  return next;
}

export function scheduleMinutes(schedule: Schedule | null | undefined): number | null {
  if (!schedule) return null;
  if (schedule.every_minutes) return schedule.every_minutes;
  return schedule.frequency === 'monthly' ? 43200 : minutesOf[schedule.frequency!];
}
