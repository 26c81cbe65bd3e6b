import type { RecordStore } from '../../kit/sandbox/index.js';

/**
 * Google's page and sync tokens are base64 (with `+`, `/` and `=` padding); the kit's position tokens are base64url
 * of the same kind of text. These write the kit's token in Google's alphabet and read it back. A sync token is
 * scoped to its list (a calendar's events, the calendar list), a page token also to the query that made it, so
 * another calendar's token, or a page token sent with other filters, is refused as Google refuses it.
 */

const toGoogle = (token: string): string => Buffer.from(token, 'base64url').toString('base64');
const fromGoogle = (token: string): string => Buffer.from(token, 'base64').toString('base64url');

export function syncTokenOf(store: RecordStore, list: string): string {
  return toGoogle(store.exportToken(list));
}

/** The change sequence a sync token stands for, or null when Google would answer 410 (expired, foreign, garbage). */
export function readSyncToken(store: RecordStore, list: string, token: string): number | null {
  return store.readExportToken(fromGoogle(token), list);
}

export function pageTokenOf(store: RecordStore, query: string, seq: number): string {
  return toGoogle(store.positionToken(seq, query));
}

export function readPageToken(store: RecordStore, query: string, token: string): number | null {
  return store.readPosition(fromGoogle(token), query);
}
