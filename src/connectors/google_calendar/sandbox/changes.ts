import type { JsonRecord } from '../../kit/index.js';
import { SandboxControlError, type SandboxClock, type SimulatorContext } from '../../kit/sandbox/index.js';
import { isoMs, type CalendarRecords } from './records.js';

/**
 * `POST /_sandbox/changes` as a calendar account changes. Events: the kit's store creates (spread over the
 * calendars), updates and deletes them (a deletion stays, cancelled, for sync tokens to report); an update is an
 * edit (the event's `sequence` goes up). Calendars: updates rename them (`summaryOverride`); the calendar list has
 * no create or delete here, since subscribing to a calendar would bring its events along. Events are named
 * `calendarId/eventId`, so a test can find exactly these. One request is one batch at one moment, `updated_at`.
 */
export function calendarChanges(records: CalendarRecords, clock: SandboxClock) {
  const { history } = records;
  return (change: { stream: string; create: number; update: number; delete: number }, ctx: SimulatorContext): JsonRecord => {
    if (change.stream === 'calendars') {
      if (change.create > 0 || change.delete > 0) {
        throw new SandboxControlError(400, 'calendars: only "update" is simulated (a subscribed or removed calendar would bring or take its events along)');
      }
      if (change.update === 0) return { updated: [] };
      history.batches += 1;
      const store = ctx.store('calendars');
      const { updated } = clock.batch(() => store.apply({ update: change.update })).result;
      for (const key of updated) history.edited(key);
      return { updated };
    }
    if (change.stream !== 'events') throw new SandboxControlError(400, `stream must be "events" or "calendars", not "${change.stream}"`);
    const result = { updated_at: null as string | null, created: [] as string[], updated: [] as string[], deleted: [] as string[] };
    if (change.create + change.update + change.delete === 0) return result;
    history.batches += 1;
    const store = ctx.store('events');
    const { at, result: applied } = clock.batch(() => store.apply(change));
    const name = (key: string): string => {
      history.changed(store.get(key)!.partition!, at);
      return key.replace(':', '/');
    };
    for (const key of applied.created) history.markCreated(store.get(key)!.index, at);
    for (const key of applied.updated) history.edited(key);
    result.created = applied.created.map(name);
    result.updated = applied.updated.map(name);
    result.deleted = applied.deleted.map(name);
    result.updated_at = isoMs(at * 1000);
    return result;
  };
}
