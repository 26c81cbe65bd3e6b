import { paginateCursor, type StreamContext, type StreamMessage, valueAt } from '../kit/index.js';
import { eventFilterQuery, STRIPE_API_VERSION, type StripeResource } from './resources.js';
import { isObject, listOf, nextStartingAfter, pageSize, refusal, stateOf, stripeErrorOf, type Position, type StripeObject } from './stream-support.js';

/**
 * An incremental read through the Events API, oldest change first.
 *
 * `/v1/events` lists newest first. `ending_before=<event id>` returns the page of events *just after* that one
 * (still newest first within the page, `has_more` when yet newer ones follow), so the feed is walked forward in
 * time: reverse each page, apply it, checkpoint its newest event, ask again `ending_before` that one. Each page
 * is one checkpoint and memory holds one page, however long the connection was idle.
 *
 * With no event to start from (the full read saw none), the oldest event created at or after `cursor` is found
 * first by walking the list newest to oldest without keeping anything.
 *
 * Returns `'expired'` without yielding anything when Stripe no longer has the event the position names
 * (events are kept 30 days); the caller then falls back to a full read.
 */
export async function* eventPass(ctx: StreamContext, resource: StripeResource, start: Position): AsyncGenerator<StreamMessage, 'done' | 'expired'> {
  const filter = eventFilterQuery(resource);
  let position = start;
  if (position.event_id === undefined) {
    const oldest = await oldestSince(ctx, filter, position.cursor);
    if (!oldest) {
      yield { type: 'state', state: stateOf(position) };
      return 'done';
    }
    yield* apply(ctx, resource, [oldest]);
    position = { cursor: oldest['created'] as number, event_id: oldest['id'] as string };
    yield { type: 'state', state: stateOf(position) };
  }

  for (;;) {
    const response = await ctx.http.get<unknown>(
      '/v1/events',
      { limit: pageSize, ending_before: position.event_id, ...filter },
      { signal: ctx.signal, acceptStatus: [400, 404] },
    );
    if (response.status !== 200) {
      const error = stripeErrorOf(response.body);
      if (error?.param === 'ending_before' || error?.code === 'resource_missing') return 'expired';
      throw refusal(response);
    }
    const page = listOf(response.body);
    const events = page.data.filter(isEvent);
    if (events.length === 0) break;
    yield* apply(ctx, resource, [...events].reverse());
    const newest = events[0]!;
    position = { cursor: newest['created'] as number, event_id: newest['id'] as string };
    yield { type: 'state', state: stateOf(position) };
    if (!page.has_more) break;
  }
  yield { type: 'state', state: stateOf(position) };
  return 'done';
}

function isEvent(value: StripeObject): boolean {
  return typeof value['id'] === 'string' && typeof value['created'] === 'number' && typeof value['type'] === 'string';
}

/** The oldest matching event created at or after `cursor`: the last item of the last page, newest first. */
async function oldestSince(ctx: StreamContext, filter: Record<string, string>, cursor: number): Promise<StripeObject | null> {
  let oldest: StripeObject | null = null;
  const pages = paginateCursor<unknown>(
    ctx.http,
    { url: '/v1/events', query: { limit: pageSize, 'created[gte]': cursor, ...filter }, signal: ctx.signal },
    {
      cursorParam: 'starting_after',
      nextCursor: nextStartingAfter,
    },
  );
  for await (const page of pages) {
    const events = listOf(page.response.body).data.filter(isEvent);
    if (events.length > 0) oldest = events.at(-1)!;
  }
  return oldest;
}

/**
 * Events of one page, oldest first, as records and deletions. Only the newest event of each object counts (an
 * object created then updated on the same page lands once, as it is now), and events about other objects
 * (`charge.dispute.*`, `invoice.upcoming` without an id) are skipped.
 */
async function* apply(ctx: StreamContext, resource: StripeResource, events: StripeObject[]): AsyncGenerator<StreamMessage> {
  const latest = new Map<string, { deleted: boolean; object: StripeObject; apiVersion: unknown }>();
  for (const event of events) {
    const object = valueAt(event, 'data.object');
    if (!isObject(object) || object['object'] !== resource.object || typeof object['id'] !== 'string') continue;
    latest.delete(object['id']);
    latest.set(object['id'], {
      deleted: resource.deletionEvents.includes(event['type'] as string),
      object,
      apiVersion: event['api_version'],
    });
  }
  const records: StripeObject[] = [];
  const deleted: string[] = [];
  for (const [id, change] of latest) {
    if (change.deleted) {
      deleted.push(id);
    } else if (change.apiVersion === STRIPE_API_VERSION || change.apiVersion === null || change.apiVersion === undefined) {
      records.push(change.object);
    } else {
      // Events are rendered in the account's API version of the day they happened, which may not be the one
      // the full read used: fetch the object in ours instead, so both kinds of read give the same shape.
      const current = await refetch(ctx, resource, id);
      if (current === null) deleted.push(id);
      else records.push(current);
    }
  }
  if (records.length > 0) yield { type: 'records', records };
  if (deleted.length > 0) yield { type: 'deletes', ids: deleted };
}

/** The object as it is now, or null when Stripe says it is gone (404, or a `deleted: true` customer stub). */
async function refetch(ctx: StreamContext, resource: StripeResource, id: string): Promise<StripeObject | null> {
  const response = await ctx.http.get<unknown>(`${resource.listPath}/${encodeURIComponent(id)}`, undefined, { signal: ctx.signal, acceptStatus: [404] });
  if (response.status === 404) return null;
  if (!isObject(response.body)) throw refusal(response);
  return response.body['deleted'] === true ? null : response.body;
}
