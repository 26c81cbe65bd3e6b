import { lenientState, type StreamReader, type StreamState } from '../kit/index.js';
import { deltaRound, type RoundEnd } from './delta-round.js';
import { calendarWindow, handSetCursor, readLink, readWindow, windowMoved, type CalendarWindow } from './stream-support.js';

/**
 * `events`: the primary calendar's calendar view through `GET /me/calendarView/delta?startDateTime=…&endDateTime=…`
 * (v1.0 has delta for a calendar view only; an unbounded `/me/events/delta` is beta). Events come as single
 * instances, occurrences and exceptions; deleted ones, and changed ones that now fall outside the window, come as
 * `@removed` and are reported deleted.
 *
 * State: `{ window: { start, end }, nextLink }` mid-round, `{ window, deltaLink }` between rounds. An incremental
 * run follows the saved link. When the window has to move (the configured dates changed, or a rolling window is a
 * week old), the saved round is finished first, so its deletions are not lost, then a fresh round reads the new
 * window. A link Graph no longer knows (`410`, `syncStateNotFound`) also starts a fresh round; deletions since
 * the last round are then only found by the next full refresh.
 */

const pageSize = 100;

export const readEvents: StreamReader = async function* (ctx) {
  const { window: desired, explicit } = calendarWindow(ctx.config);
  const saved = lenientState(ctx.mode === 'incremental' ? ctx.state : null);
  const cursor = handSetCursor(saved);
  const savedWindow = readWindow(saved);
  const link = readLink(saved) ?? cursor.link;
  const stateOf = (window: CalendarWindow, at: { nextLink: string } | { deltaLink: string }): StreamState => ({ window, ...at });

  if (link !== null) {
    const window = savedWindow ?? desired;
    const end: RoundEnd = yield* deltaRound(ctx, { start: { kind: 'link', url: link }, pageSize, checkpoint: (at) => stateOf(window, at) });
    if (end.kind === 'done' && !windowMoved(window, desired, explicit)) return;
    if (end.kind === 'reset') ctx.log('warn', 'events: Graph asked for a full resync of the calendar view', { reason: end.reason });
    else ctx.log('info', 'events: the calendar window moved; reading the new one', { from: window, to: desired });
  }
  yield* deltaRound(ctx, {
    start: { kind: 'fresh', url: '/me/calendarView/delta', query: { startDateTime: desired.start, endDateTime: desired.end } },
    pageSize,
    floor: cursor.floor,
    checkpoint: (at) => stateOf(desired, at),
  });
};

