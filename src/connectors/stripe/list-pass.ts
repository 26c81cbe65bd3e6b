import { paginateCursor, type StreamContext, type StreamMessage } from '../kit/index.js';
import type { StripeResource } from './resources.js';
import { eventFilterQuery } from './resources.js';
import { listOf, nextStartingAfter, pageSize, serverTime, stateOf, type ListPass, type Position } from './stream-support.js';

/**
 * A full read of a list endpoint, newest first, `starting_after` the last id of each page until `has_more` is
 * false. A checkpoint follows every page (`pass.starting_after`), so a resume re-reads at most one page.
 *
 * Before the first page, the pass notes where the events feed stands (`pass.after`): the newest matching event,
 * or the server's time when there is none. Whatever changes while the pass runs is an event after that point,
 * which the next incremental read applies; objects created meanwhile are not on the pages still to come (they
 * sort first) but are in those events too.
 */
export async function startPass(ctx: StreamContext, resource: StripeResource, full: boolean): Promise<ListPass> {
  const response = await ctx.http.get<unknown>('/v1/events', { limit: 1, ...eventFilterQuery(resource) }, { signal: ctx.signal });
  const newest = listOf(response.body).data[0];
  const after: Position =
    newest && typeof newest['id'] === 'string' && typeof newest['created'] === 'number'
      ? { cursor: newest['created'], event_id: newest['id'] }
      : { cursor: serverTime(response) };
  return { full, after };
}

export async function* listPass(ctx: StreamContext, resource: StripeResource, pass: ListPass): AsyncGenerator<StreamMessage> {
  ctx.log('debug', `${resource.stream}: full read`, { resume: pass.starting_after !== undefined });
  const pages = paginateCursor<unknown>(
    ctx.http,
    { url: resource.listPath, query: { limit: pageSize, ...resource.listQuery }, signal: ctx.signal },
    {
      cursorParam: 'starting_after',
      nextCursor: nextStartingAfter,
      ...(pass.starting_after === undefined ? {} : { start: pass.starting_after }),
    },
  );
  for await (const page of pages) {
    const records = listOf(page.response.body).data.filter((item) => typeof item['id'] === 'string');
    if (records.length > 0) yield { type: 'records', records };
    if (page.next !== null) yield { type: 'state', state: stateOf(null, { ...pass, starting_after: page.next }) };
  }
  yield { type: 'state', state: stateOf(pass.after) };
}
