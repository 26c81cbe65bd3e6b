/**
 * The sandbox's opaque tokens. Google's are base64 protobufs; these are base64 text with what the sandbox
 * needs to continue, which a client must treat as opaque all the same.
 *
 * - sync token: calendar `c` as of change batch `seq`, issued in token epoch `epoch`;
 * - page token: the listing's calendar, the next position, the batch the listing started at (its snapshot,
 *   which becomes the next sync token), the sync token's batch for an incremental listing, and a fingerprint
 *   of the filters, which must not change between pages.
 */

export interface SyncToken {
  epoch: number;
  calendar: number;
  seq: number;
}

export interface PageToken {
  calendar: number;
  position: number;
  snapshot: number;
  /** The sync token's batch for an incremental listing; null for a full one. */
  after: number | null;
  filters: string;
}

export function encodeSyncToken(token: SyncToken): string {
  return Buffer.from(`CsBx:${token.epoch}:${token.calendar}:${token.seq}`).toString('base64');
}

export function decodeSyncToken(text: string): SyncToken | null {
  const match = /^CsBx:(\d+):(\d+):(\d+)$/.exec(Buffer.from(text, 'base64').toString('utf8'));
  if (!match) return null;
  return { epoch: Number(match[1]), calendar: Number(match[2]), seq: Number(match[3]) };
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify([token.calendar, token.position, token.snapshot, token.after, token.filters])).toString('base64url');
}

export function decodePageToken(text: string): PageToken | null {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 5) return null;
    const [calendar, position, snapshot, after, filters] = value as unknown[];
    if (![calendar, position, snapshot].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null;
    if (after !== null && !Number.isSafeInteger(after)) return null;
    if (typeof filters !== 'string') return null;
    return { calendar: calendar as number, position: position as number, snapshot: snapshot as number, after: after as number | null, filters };
  } catch {
    return null;
  }
}
