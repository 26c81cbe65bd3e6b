import { hash32 } from '../../kit/sandbox/index.js';
import type { Collection } from './collection.js';
import { eventObject, messageObject } from './objects.js';
import type { MailboxStore, StreamName } from './store.js';
import type { MailFolder } from './world.js';

/**
 * Delta rounds as Graph runs them for `calendarView/delta` and `mailFolders/{id}/messages/delta`:
 *
 * - A round without a token lists every item in scope (the calendar view's window, or the folder), in pages
 *   of `Prefer: odata.maxpagesize` (default 10), each page but the last with an `@odata.nextLink` whose
 *   `$skiptoken` carries the round's parameters, the last with an `@odata.deltaLink` (`$deltatoken`).
 * - A round from a delta token lists what changed since that token: changed items in full, deleted ones as
 *   `{ id, "@removed": { reason: "deleted" } }`, and for a calendar view also changed events now outside its
 *   window as removed (the event delta page documents both).
 * - Skip tokens encode their position; delta tokens are kept in a bounded cache, and one that has fallen out
 *   of it is answered `410 Gone` with `syncStateNotFound` (Outlook's delta tokens have no fixed lifetime: "it's
 *   dependent on the size of the internal delta token cache").
 */

export interface DeltaScope {
  stream: StreamName;
  /** Calendar view window, epoch seconds `[start, end)`. */
  window?: [number, number];
  folder?: MailFolder;
}

/** Where a round stands: listing everything (`initial`, after item `after`) or changes (from log `position`). */
type Cursor =
  | { t: 'i'; s: number; after: number; scope: DeltaScope }
  | { t: 'c'; s: number; u: number; position: number; scope: DeltaScope };

export type DeltaRequest = { kind: 'start'; scope: DeltaScope } | { kind: 'skip'; token: string } | { kind: 'delta'; token: string };

export type DeltaOutcome =
  | { ok: true; scope: DeltaScope; value: Record<string, unknown>[]; next: { skiptoken: string } | { deltatoken: string } }
  | { ok: false; status: number; code: string; message: string };

export const defaultPageSize = 10;
export const maxPageSize = 1000;

export class DeltaEngine {
  private readonly tokens = new Map<string, { s: number; scope: DeltaScope }>();
  private issued = 0;

  constructor(
    private readonly store: MailboxStore,
    /** Delta tokens kept; older ones are forgotten, as Graph's token cache forgets them. */
    private readonly tokenCapacity: number,
  ) {}

  page(request: DeltaRequest, pageSize: number): DeltaOutcome {
    let cursor: Cursor;
    if (request.kind === 'start') {
      cursor = { t: 'i', s: this.store.seq, after: -1, scope: request.scope };
    } else if (request.kind === 'skip') {
      const decoded = decodeSkipToken(request.token);
      if (!decoded) return { ok: false, status: 400, code: 'ErrorInvalidUrlQuery', message: 'The value of the $skiptoken query parameter is invalid.' };
      cursor = decoded;
    } else {
      const found = this.tokens.get(request.token);
      if (!found) {
        return { ok: false, status: 410, code: 'syncStateNotFound', message: 'The sync state generation is not found. The delta token is expired and data must be synchronized again.' };
      }
      cursor = { t: 'c', s: found.s, u: this.store.seq, position: this.collection(found.scope).logPositionAfter(found.s), scope: found.scope };
    }
    return cursor.t === 'i' ? this.initialPage(cursor, pageSize) : this.changePage(cursor, pageSize);
  }

  /** Forgets every delta token, as a token cache overflow or a mailbox move would. */
  expireTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  private collection(scope: DeltaScope): Collection {
    return this.store.collection(scope.stream);
  }

  private inScope(scope: DeltaScope, k: number): boolean {
    if (scope.stream === 'messages') return scope.folder === undefined || this.store.messageFolder(k) === scope.folder;
    if (!scope.window) return true;
    const times = this.store.eventTimes(k);
    return times.start < scope.window[1] && times.end > scope.window[0];
  }

  private render(scope: DeltaScope, k: number): Record<string, unknown> {
    return scope.stream === 'events' ? eventObject(this.store, k) : messageObject(this.store, k);
  }

  private removed(scope: DeltaScope, k: number): Record<string, unknown> {
    const kind = scope.stream === 'events' ? 'event' : 'message';
    return { '@odata.type': `#microsoft.graph.${kind}`, id: this.store.world.itemId(kind, k), '@removed': { reason: 'deleted' } };
  }

  private initialPage(cursor: Extract<Cursor, { t: 'i' }>, pageSize: number): DeltaOutcome {
    const collection = this.collection(cursor.scope);
    const items: number[] = [];
    let more = false;
    for (let k = cursor.after + 1; k < collection.total; k++) {
      if (!collection.exists(k) || !this.inScope(cursor.scope, k)) continue;
      if (items.length === pageSize) {
        more = true;
        break;
      }
      items.push(k);
    }
    const value = items.map((k) => this.render(cursor.scope, k));
    if (more) return { ok: true, scope: cursor.scope, value, next: { skiptoken: encodeSkipToken({ ...cursor, after: items.at(-1)! }) } };
    return { ok: true, scope: cursor.scope, value, next: { deltatoken: this.issue(cursor.s, cursor.scope) } };
  }

  private changePage(cursor: Extract<Cursor, { t: 'c' }>, pageSize: number): DeltaOutcome {
    const collection = this.collection(cursor.scope);
    const value: Record<string, unknown>[] = [];
    let position = cursor.position;
    let more = false;
    for (; position < collection.log.length; position++) {
      const change = collection.log[position]!;
      if (change.seq > cursor.u) break;
      // Only an item's latest change counts; a later one in this round comes later, one after it next round.
      if (collection.latestChange(change.k) !== change.seq) continue;
      const k = change.k;
      if (cursor.scope.stream === 'messages' && !this.inScope(cursor.scope, k)) continue;
      if (value.length === pageSize) {
        more = true;
        break;
      }
      if (collection.isDeleted(k) || !this.inScope(cursor.scope, k)) value.push(this.removed(cursor.scope, k));
      else value.push(this.render(cursor.scope, k));
    }
    if (more) return { ok: true, scope: cursor.scope, value, next: { skiptoken: encodeSkipToken({ ...cursor, position }) } };
    return { ok: true, scope: cursor.scope, value, next: { deltatoken: this.issue(cursor.u, cursor.scope) } };
  }

  private issue(s: number, scope: DeltaScope): string {
    this.issued += 1;
    const bytes = Buffer.alloc(24);
    for (let i = 0; i < 6; i++) bytes.writeUInt32BE(hash32(this.store.seed, 0xde17a, this.issued, i), i * 4);
    const token = bytes.toString('base64url');
    this.tokens.set(token, { s, scope });
    while (this.tokens.size > this.tokenCapacity) this.tokens.delete(this.tokens.keys().next().value!);
    return token;
  }
}

function encodeSkipToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeSkipToken(token: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    const scopeOk = typeof value?.scope === 'object' && (value.scope.stream === 'events' || value.scope.stream === 'messages');
    if (!scopeOk || typeof value.s !== 'number') return null;
    if (value.t === 'i' && Number.isInteger(value.after)) return value;
    if (value.t === 'c' && Number.isInteger(value.position) && typeof value.u === 'number') return value;
    return null;
  } catch {
    return null;
  }
}
