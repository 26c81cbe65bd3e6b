import { isObject, lenientState, type HttpResponse, type JsonRecord, type StreamContext, type StreamHooks, type StreamState } from '../kit/index.js';
import { withoutAnnotations, withoutDeltaLink } from './delta-round.js';
import { handSetCursor, mailFolders } from './stream-support.js';

/** What the `messages` description cannot say as data (see `streams.ts`). */

/** A cursor set by hand is read only by an incremental run, as it always was; a full refresh ignores it. */
function handSet(ctx: StreamContext): { floor: number | null } {
  return ctx.mode === 'incremental' ? handSetCursor(lenientState(ctx.state)) : { floor: null };
}

/** A page's items; a page that names neither a next page nor the next round's delta link fails the walk. */
function deltaPage(response: HttpResponse<unknown>): JsonRecord[] {
  const body = isObject(response.body) ? response.body : {};
  const next = body['@odata.nextLink'] ?? body['@odata.deltaLink'];
  if (typeof next !== 'string' || next === '') throw withoutDeltaLink(response);
  return Array.isArray(body['value']) ? body['value'].filter(isObject) : [];
}

/**
 * The state the hand-written reader saved mid-round, `{ folders: { "<folder>": { nextLink } } }`, in the described
 * format `{ folders: { "<folder>": { pass: { nextLink } } } }`; between rounds (`{ deltaLink }`) both are the same.
 */
function upgradeMessagesState(state: StreamState): StreamState {
  const folders = lenientState(state).entries('folders');
  if (![...folders.values()].some((folder) => folder.text('nextLink') !== null)) return state;
  const upgraded = [...folders].map(([id, folder]) => {
    const nextLink = folder.text('nextLink');
    return [id, nextLink === null ? folder.raw : { pass: { nextLink } }] as const;
  });
  return { ...state, folders: Object.fromEntries(upgraded) };
}

export const messagesHooks: StreamHooks = {
  // Well-known folder names lower-cased (they key the state), ids kept, the inbox when none is configured.
  partitions: (_ids, ctx) => mailFolders(ctx.config),
  // A hand-set cursor that is neither a date nor a link fails before the first request.
  request: (request, ctx) => {
    handSet(ctx);
    return request;
  },
  page: deltaPage,
  // A hand-set date keeps what changed since; OData annotations are not part of a record.
  record: (record, ctx) => {
    const { floor } = handSet(ctx);
    if (floor !== null && !(Date.parse(String(record['lastModifiedDateTime'])) >= floor)) return null;
    return withoutAnnotations(record);
  },
  state: upgradeMessagesState,
};
