import { hash32, type RecordStore, type StoredRecord, type StoreQuery } from '../../kit/sandbox/index.js';
import type { Mailbox } from './mailbox.js';
import { eventObject, messageObject } from './objects.js';
import type { MailFolder } from './world.js';

/**
 * Delta rounds as Graph runs them for `calendarView/delta` and `mailFolders/{id}/messages/delta`, over the kit's
 * stores (records in change order, deleted ones kept flagged):
 *
 * - A round without a token lists every item in scope (the calendar view's window, or the folder), in pages
 *   of `Prefer: odata.maxpagesize` (default 10), each page but the last with an `@odata.nextLink` whose
 *   `$skiptoken` carries the round's position, the last with an `@odata.deltaLink` (`$deltatoken`).
 * - A round from a delta token lists what changed since that token: changed items in full, deleted ones as
 *   `{ id, "@removed": { reason: "deleted" } }`, and for a calendar view also changed events now outside its
 *   window as removed (the event delta page documents both).
 * - Delta tokens are bound to their scope (a window, a folder) and kept in a bounded cache; one that has fallen
 *   out of it is answered `410 Gone` with `syncStateNotFound` (Outlook's delta tokens have no fixed lifetime:
 *   "it's dependent on the size of the internal delta token cache").
 */

export type StreamName = 'events' | 'messages';

export interface DeltaScope {
  stream: StreamName;
  /** Calendar view window, epoch seconds `[start, end)`. */
  window?: [number, number];
  folder?: MailFolder;
}

/**
 * Where a round stands, by change sequence: listing what is live (`i`, the next round starting after `s`) or what
 * changed (`c`, up to `u`), each after the record served last (`after`).
 */
type Cursor = { t: 'i'; s: number; after: number; scope: DeltaScope } | { t: 'c'; u: number; after: number; scope: DeltaScope };

export type DeltaRequest = { kind: 'start'; scope: DeltaScope } | { kind: 'skip'; token: string } | { kind: 'delta'; token: string };

export type DeltaOutcome =
  | { ok: true; scope: DeltaScope; value: Record<string, unknown>[]; next: { skiptoken: string } | { deltatoken: string } }
  | { ok: false; status: number; code: string; message: string };

export const defaultPageSize = 10;
export const maxPageSize = 1000;

export class DeltaRounds {
  private readonly tokens = new Map<string, { seq: number; scope: DeltaScope }>();
  private issued = 0;

  constructor(
    private readonly mailbox: Mailbox,
    /** Delta tokens kept; older ones are forgotten, as Graph's token cache forgets them. */
    private readonly tokenCapacity: number,
  ) {}

  /** One page of a round, read from the stream's store (`store`, the simulator's). */
  page(request: DeltaRequest, pageSize: number, store: (stream: StreamName) => RecordStore): DeltaOutcome {
    let cursor: Cursor;
    if (request.kind === 'start') {
      cursor = { t: 'i', s: store(request.scope.stream).reached, after: 0, scope: request.scope };
    } else if (request.kind === 'skip') {
      const decoded = decodeSkipToken(request.token);
      if (!decoded) return { ok: false, status: 400, code: 'ErrorInvalidUrlQuery', message: 'The value of the $skiptoken query parameter is invalid.' };
      cursor = decoded;
    } else {
      const found = this.tokens.get(request.token);
      if (!found) {
        return { ok: false, status: 410, code: 'syncStateNotFound', message: 'The sync state generation is not found. The delta token is expired and data must be synchronized again.' };
      }
      cursor = { t: 'c', u: store(found.scope.stream).reached, after: found.seq, scope: found.scope };
    }
    return this.cut(cursor, pageSize, store(cursor.scope.stream));
  }

  /** Forgets every delta token, as a token cache overflow or a mailbox move would; how many were forgotten. */
  expireTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  private cut(cursor: Cursor, pageSize: number, store: RecordStore): DeltaOutcome {
    const { scope } = cursor;
    const query: StoreQuery = { afterSeq: cursor.after, deleted: cursor.t === 'c' ? 'include' : 'exclude', ...(scope.folder ? { partition: scope.folder } : {}) };
    const page: StoredRecord[] = [];
    let more = false;
    for (const entry of walk(store, query)) {
      // A change round reports what changed up to its start; later changes wait for the next round.
      if (cursor.t === 'c' && entry.seq > cursor.u) break;
      // A listing shows the window's events only; a change round reports the others as removed.
      if (cursor.t === 'i' && scope.window && !this.mailbox.inWindow(entry, scope.window)) continue;
      if (page.length === pageSize) {
        more = true;
        break;
      }
      page.push(entry);
    }
    const value = page.map((entry) => (entry.deleted || (scope.window && !this.mailbox.inWindow(entry, scope.window)) ? removed(scope, entry) : this.render(scope, entry)));
    if (more) return { ok: true, scope, value, next: { skiptoken: encodeSkipToken({ ...cursor, after: page.at(-1)!.seq }) } };
    return { ok: true, scope, value, next: { deltatoken: this.issue(cursor.t === 'i' ? cursor.s : cursor.u, scope) } };
  }

  private render(scope: DeltaScope, entry: StoredRecord): Record<string, unknown> {
    return scope.stream === 'events' ? eventObject(this.mailbox, entry) : messageObject(this.mailbox, entry);
  }

  private issue(seq: number, scope: DeltaScope): string {
    this.issued += 1;
    const bytes = Buffer.alloc(24);
    for (let i = 0; i < 6; i++) bytes.writeUInt32BE(hash32(this.mailbox.seed, 0xde17a, this.issued, i), i * 4);
    const token = bytes.toString('base64url');
    this.tokens.set(token, { seq, scope });
    while (this.tokens.size > this.tokenCapacity) this.tokens.delete(this.tokens.keys().next().value!);
    return token;
  }
}

function removed(scope: DeltaScope, entry: StoredRecord): Record<string, unknown> {
  return { '@odata.type': `#microsoft.graph.${scope.stream === 'events' ? 'event' : 'message'}`, id: entry.key, '@removed': { reason: 'deleted' } };
}

/** A store's records after a position, read a chunk at a time (a page skips out-of-window events without reading the whole list). */
function* walk(store: RecordStore, query: StoreQuery): Generator<StoredRecord> {
  let after = query.afterSeq ?? 0;
  for (;;) {
    const chunk = store.list({ ...query, afterSeq: after, limit: 256 });
    if (chunk.length === 0) return;
    yield* chunk;
    after = chunk.at(-1)!.seq;
  }
}

function encodeSkipToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeSkipToken(token: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    const scopeOk = typeof value?.scope === 'object' && (value.scope.stream === 'events' || value.scope.stream === 'messages');
    if (!scopeOk || !Number.isInteger(value.after)) return null;
    if (value.t === 'i' && Number.isInteger(value.s)) return value;
    if (value.t === 'c' && Number.isInteger(value.u)) return value;
    return null;
  } catch {
    return null;
  }
}
