import { lenientState, type StreamContext, type StreamMessage, type StreamReader, type StreamState } from '../kit/index.js';
import { gmailGet, includeSpamTrash, isObject, type GmailObject } from './gmail-request.js';
import { changesOf, historyTypes } from './history-changes.js';
import { fetchMessages } from './message-records.js';

/**
 * `messages`, following Gmail's synchronisation guide.
 *
 * Full read: `users.getProfile` for the mailbox's current historyId, then `messages.list` page by page (500
 * ids each) and `messages.get?format=metadata` for every id. The historyId is taken *before* listing, so any
 * change made while the list runs is replayed by the next incremental read.
 *
 * Incremental: `users.history.list?startHistoryId=<saved>` for messageAdded, messageDeleted, labelAdded and
 * labelRemoved; added and relabelled messages are read again, deleted ones are reported as deletions. Gmail
 * answers 404 when the saved historyId is too old (it keeps about a week of history): the stream then reads
 * everything again, as the guide says. That read cannot see what was deleted during the gap — the next full
 * refresh soft-deletes those.
 *
 * State:
 * ```
 * { history_id: "<mailbox historyId>" }                                  // between runs
 * { history_id, full: { page_token: "<messages.list page>" | null, after?: <epoch s> } }   // a full read under way
 * { cursor: "<historyId>" | "<ISO date>" }                               // set by hand: history from that id,
 *                                                                         // or messages received after that date
 * ```
 */
interface FullPass {
  page_token: string | null;
  /** Only messages received after this (epoch seconds): a cursor set by date, read through `q=after:`. */
  after?: number;
}

interface MessagesState {
  history_id: string | null;
  full?: FullPass;
}

const pageSize = 500;
const digits = /^[0-9]+$/;

export function readMessagesState(state: StreamState | null): MessagesState | null {
  if (!state) return null;
  const saved = lenientState(state);
  const text = saved.text('history_id');
  const historyId = text !== null && digits.test(text) ? text : null;
  const full = saved.object('full');
  if (full) {
    const after = full.raw['after'];
    return { history_id: historyId, full: { page_token: full.text('page_token'), ...(typeof after === 'number' ? { after } : {}) } };
  }
  if (historyId) return { history_id: historyId };
  const cursor = saved.text('cursor')?.trim() ?? '';
  if (digits.test(cursor)) return { history_id: cursor };
  const date = Date.parse(cursor);
  if (cursor !== '' && !Number.isNaN(date)) return { history_id: null, full: { page_token: null, after: Math.floor(date / 1000) } };
  return null;
}

export const readMessages: StreamReader = async function* (ctx) {
  const state = readMessagesState(ctx.state);
  // A full refresh gets a state only when it resumes its own unfinished pass.
  if (ctx.mode === 'full_refresh' || !state) {
    yield* fullPass(ctx, state?.full ? state : { history_id: null, full: { page_token: null } });
    return;
  }
  if (state.full || state.history_id === null) {
    yield* fullPass(ctx, state);
    return;
  }
  const outcome = yield* historyPass(ctx, state.history_id);
  if (outcome === 'expired') {
    ctx.log('warn', 'Gmail no longer has the history since the saved historyId (404): reading every message again');
    // A complete listing from its first page: what it does not list was deleted in the gap.
    yield { type: 'restart' };
    yield* fullPass(ctx, { history_id: null, full: { page_token: null } });
  }
};

async function* fullPass(ctx: StreamContext, start: MessagesState): AsyncGenerator<StreamMessage> {
  const pass: FullPass = start.full ?? { page_token: null };
  const historyId = start.history_id ?? (await currentHistoryId(ctx));
  let pageToken = pass.page_token;
  for (;;) {
    const query: Record<string, string | number | boolean> = { maxResults: pageSize };
    if (pageToken !== null) query['pageToken'] = pageToken;
    if (includeSpamTrash(ctx.config)) query['includeSpamTrash'] = true;
    if (pass.after !== undefined) query['q'] = `after:${pass.after}`;
    const page = await gmailGet(ctx, '/messages', query);
    const ids = listedIds(page.body['messages']);
    const { records } = await fetchMessages(ctx, ids);
    if (records.length > 0) yield { type: 'records', records };
    const next = typeof page.body['nextPageToken'] === 'string' && page.body['nextPageToken'] !== '' ? page.body['nextPageToken'] : null;
    if (next === null) {
      yield { type: 'state', state: { history_id: historyId } };
      return;
    }
    pageToken = next;
    const full: FullPass = { page_token: next, ...(pass.after === undefined ? {} : { after: pass.after }) };
    yield { type: 'state', state: { history_id: historyId, full } as unknown as StreamState };
  }
}

async function* historyPass(ctx: StreamContext, startHistoryId: string): AsyncGenerator<StreamMessage, 'done' | 'expired'> {
  let pageToken: string | null = null;
  for (;;) {
    const query: Record<string, string | number | string[]> = { startHistoryId, maxResults: pageSize, historyTypes };
    if (pageToken !== null) query['pageToken'] = pageToken;
    const page = await gmailGet(ctx, '/history', query, { accept: [404] });
    // Only the first page can find the start gone; a later 404 would mean the history vanished mid-read.
    if (page.status === 404) return 'expired';
    const changes = changesOf(page.body['history']);
    const { records, gone } = await fetchMessages(ctx, changes.changed);
    if (records.length > 0) yield { type: 'records', records };
    const deleted = [...new Set([...changes.deleted, ...gone])];
    if (deleted.length > 0) yield { type: 'deletes', ids: deleted };
    const next = typeof page.body['nextPageToken'] === 'string' && page.body['nextPageToken'] !== '' ? page.body['nextPageToken'] : null;
    if (next === null) {
      const current = typeof page.body['historyId'] === 'string' ? page.body['historyId'] : (changes.lastId ?? startHistoryId);
      yield { type: 'state', state: { history_id: current } };
      return 'done';
    }
    pageToken = next;
    // A resume asks for the history after the last record handled, which is where this page token leads.
    if (changes.lastId !== null) yield { type: 'state', state: { history_id: changes.lastId } };
  }
}

async function currentHistoryId(ctx: StreamContext): Promise<string> {
  const profile = await gmailGet(ctx, '/profile');
  const historyId = profile.body['historyId'];
  if (typeof historyId !== 'string' || !digits.test(historyId)) throw new Error('Gmail profile has no historyId');
  return historyId;
}

function listedIds(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return (messages as unknown[]).filter(isObject).map((m: GmailObject) => m['id']).filter((id): id is string => typeof id === 'string');
}
