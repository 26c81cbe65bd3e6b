import { describe, expect, it } from 'vitest';
import { nextRunAt } from './schedule.js';

const at = (iso: string) => new Date(iso);

describe('nextRunAt', () => {
  it('steps by every_minutes and by named frequencies', () => {
    const from = at('2026-03-01T10:00:00Z');
    expect(nextRunAt({ enabled: true, every_minutes: 15 }, from)?.toISOString()).toBe('2026-03-01T10:15:00.000Z');
    expect(nextRunAt({ enabled: true, frequency: 'hourly' }, from)?.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(nextRunAt({ enabled: true, frequency: 'daily' }, from)?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(nextRunAt({ enabled: true, frequency: 'weekly' }, from)?.toISOString()).toBe('2026-03-08T10:00:00.000Z');
  });

  it('follows the calendar for monthly, clamping to the end of short months', () => {
    expect(nextRunAt({ enabled: true, frequency: 'monthly' }, at('2026-01-31T08:00:00Z'))?.toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(nextRunAt({ enabled: true, frequency: 'monthly' }, at('2026-03-15T08:00:00Z'))?.toISOString()).toBe('2026-04-15T08:00:00.000Z');
  });

  it('fires once after a long outage instead of catching up every missed slot', () => {
    const next = nextRunAt({ enabled: true, every_minutes: 5 }, at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'));
    expect(next?.toISOString()).toBe('2026-03-02T00:05:00.000Z');
  });

  it('returns null when disabled or absent', () => {
    expect(nextRunAt({ enabled: false, frequency: 'daily' }, new Date())).toBeNull();
    expect(nextRunAt(null, new Date())).toBeNull();
  });
});
