import type { StreamContext, StreamMessage, StreamReader } from '../kit/index.js';
import { callSlack, nextCursorOf, objectsOf, pageSize, type SlackObject } from './slack-api.js';

/**
 * A full-refresh stream over one cursor-paginated list method (`conversations.list`, `users.list`).
 *
 * State, only while a pass is unfinished: `{ next: "<next_cursor>" }`; a finished pass leaves `{}`. Slack's
 * cursors stay valid long enough to resume a run that stopped between two pages.
 */
export interface ListMethod {
  method: string;
  /** The body field holding the page's items (`channels`, `members`). */
  field: string;
  params?: Record<string, string | number | boolean>;
}

export async function* walkList(ctx: StreamContext, list: ListMethod, start: string | null): AsyncGenerator<{ items: SlackObject[]; next: string | null }> {
  let cursor = start;
  for (;;) {
    const body = await callSlack(ctx, list.method, { ...list.params, limit: pageSize, ...(cursor ? { cursor } : {}) });
    const next = nextCursorOf(body);
    yield { items: objectsOf(body[list.field]), next };
    if (next === null || next === cursor) return;
    cursor = next;
  }
}

export function listStream(list: ListMethod): StreamReader {
  return async function* (ctx): AsyncGenerator<StreamMessage> {
    const start = typeof ctx.state?.['next'] === 'string' && ctx.state['next'] !== '' ? ctx.state['next'] : null;
    for await (const page of walkList(ctx, list, start)) {
      if (page.items.length > 0) yield { type: 'records', records: page.items };
      yield { type: 'state', state: page.next === null ? {} : { next: page.next } };
    }
  };
}

/** Public and private channels, archived ones included (their history stays readable). */
export const channelList: ListMethod = {
  method: 'conversations.list',
  field: 'channels',
  params: { types: 'public_channel,private_channel', exclude_archived: false },
};

export const userList: ListMethod = { method: 'users.list', field: 'members' };
