import type { StreamMessage, StreamReader } from '../kit/index.js';
import { eventPass } from './event-pass.js';
import { listPass, startPass } from './list-pass.js';
import type { StripeResource } from './resources.js';
import { cleanError, eventRetentionSeconds, readState } from './stream-support.js';

/**
 * One Stripe stream: a full read of its list endpoint, then incremental reads from the Events API.
 *
 * State:
 * ```
 * { cursor: <unix seconds>, event_id?: "evt_…",                 // where the events feed stands
 *   pass?: { full, starting_after?: "<id>", after: { cursor, event_id? } } }   // only while a full read runs
 * ```
 * - No position yet, or a full refresh: a full read (resuming its own unfinished one).
 * - A position older than Stripe keeps events (30 days): a full read, since the changes in between are gone,
 *   announced as a restart so that the engine soft-deletes what it no longer lists.
 * - Otherwise the events after the position: changed objects as records, deleted ones as deletions.
 * A hand-set `{ cursor }` (Unix seconds or an ISO date) reads the events created from then on.
 */
export function stripeStream(resource: StripeResource): StreamReader {
  return async function* (ctx) {
    try {
      yield* read();
    } catch (error) {
      throw cleanError(error);
    }

    async function* read(): AsyncGenerator<StreamMessage> {
      const saved = readState(ctx.state);
      const full = ctx.mode === 'full_refresh';
      if (saved.pass && (!full || saved.pass.full)) {
        yield* listPass(ctx, resource, saved.pass);
        return;
      }
      const position = saved.position;
      if (full || position === null) {
        yield* listPass(ctx, resource, await startPass(ctx, resource, full));
        return;
      }
      if (Date.now() / 1000 - position.cursor > eventRetentionSeconds) {
        ctx.log('warn', `${resource.stream}: the saved position is older than the 30 days Stripe keeps events; reading everything again`);
        // A complete read from the first page: what it does not list was deleted in the gap.
        yield { type: 'restart' };
        yield* listPass(ctx, resource, await startPass(ctx, resource, false));
        return;
      }
      const outcome = yield* eventPass(ctx, resource, position);
      if (outcome === 'expired') {
        ctx.log('warn', `${resource.stream}: Stripe no longer has the last event read (events are kept 30 days); reading everything again`);
        // A complete read from the first page: what it does not list was deleted in the gap.
        yield { type: 'restart' };
        yield* listPass(ctx, resource, await startPass(ctx, resource, false));
      }
    }
  };
}
