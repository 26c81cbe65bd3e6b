import { type HttpResponse, paginateCursor, type StreamReader } from '../kit/index.js';
import { dataOf, pageSize, type CursorEnvelope } from './stream-support.js';

/**
 * `contracts` (full refresh): `GET /contracts?limit=99&after_cursor=…`, following `page.cursor`.
 *
 * Deel's contract list items carry `created_at` but no `updated_at`, and the list filters by type, status,
 * team, country, currency and external id only, so there is nothing an incremental read could start from.
 *
 * Deel does not document how the last page is marked (its `page.cursor` is a required field), so the walk
 * ends at a page without a cursor or at the first empty page, never on a short page: a page that is short for
 * another reason would otherwise end the walk early and silently.
 *
 * State, only while a walk is unfinished (a finished one leaves `{}`): `{ after_cursor: "<cursor>" }`.
 */
function nextCursor(response: HttpResponse<CursorEnvelope>): string | null {
  if (dataOf(response.body).length === 0) return null;
  const cursor = response.body?.page?.cursor;
  return typeof cursor === 'string' && cursor !== '' ? cursor : null;
}

export const readContracts: StreamReader = async function* (ctx) {
  const resume = ctx.state?.['after_cursor'];
  const pages = paginateCursor<CursorEnvelope>(
    ctx.http,
    { url: '/contracts', query: { limit: pageSize }, signal: ctx.signal },
    { cursorParam: 'after_cursor', nextCursor, ...(typeof resume === 'string' && resume !== '' ? { start: resume } : {}) },
  );
  for await (const page of pages) {
    const records = dataOf(page.response.body);
    if (records.length > 0) yield { type: 'records', records };
    yield { type: 'state', state: page.next === null ? {} : { after_cursor: page.next } };
  }
};
