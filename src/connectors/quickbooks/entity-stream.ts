import { lenientState, type StreamContext, type StreamMessage, type StreamReader, type StreamState } from '../kit/index.js';
import { faultText, getCompany, isObject, lastUpdated, maxResults, timeOf, type QboObject } from './stream-support.js';

/**
 * A QuickBooks entity stream (invoices, customers): the query endpoint for what exists, change data capture
 * for what was deleted.
 *
 * Reading: `SELECT * FROM <Entity> [WHERE <filters> AND] Metadata.LastUpdatedTime >= '<cursor>'
 * ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000`, page after page by *keyset*: each page
 * asks again from the LastUpdatedTime of the last entity read, and skips the ones already read at that instant
 * (`seen`). An entity updated or deleted during a pass cannot shift an unread one past a page boundary, as
 * STARTPOSITION offsets would; only a page that is entirely one instant steps on by STARTPOSITION.
 *
 * Deletions, on an incremental pass: `GET /cdc?entities=<Entity>&changedSince=<cursor the pass started from>`.
 * Deleted entities come back as `{ Id, status: "Deleted", MetaData }` and are reported as deletes; the others
 * are full entities changed since, read as records (they cover what changed after the query pass). CDC looks
 * back 30 days at most and answers at most 1,000 objects: an older cursor (judged by the server's own `time`)
 * or a refused or full answer skips deletions with a warning, and the next full refresh finds them. After a
 * complete CDC answer the cursor moves up to the server time it reports (less a minute of margin), so a quiet
 * company's cursor does not fall out of the CDC window.
 *
 * State:
 * ```
 * { cursor: "<LastUpdatedTime>" | null, seen: [Ids read at cursor], position?: n,
 *   pass?: { full: boolean, since: "<cursor the pass started from>" | null } }   // pass: only while unfinished
 * ```
 * A state holding only `cursor` (set by hand) starts there.
 */
export interface EntitySpec {
  /** The QuickBooks entity name, as in queries and in responses (`Invoice`). */
  entity: string;
  /** Filters every query carries (`Active IN (true, false)`: name lists hide inactive entities otherwise). */
  filters: string[];
}

interface EntityState {
  cursor: string | null;
  seen: string[];
  position?: number;
  pass?: { full: boolean; since: string | null };
}

const cdcLookbackMs = 29 * 86_400_000;
const cdcMaxObjects = 1000;
const cursorMarginMs = 60_000;

function readState(stored: StreamState | null): EntityState {
  const state = lenientState(stored);
  const position = state.count('position');
  const pass = state.object('pass');
  return {
    cursor: state.text('cursor'),
    seen: state.texts('seen'),
    ...(position !== null && position > 1 ? { position } : {}),
    ...(pass ? { pass: { full: pass.flag('full') === true, since: pass.text('since') } } : {}),
  };
}

/** A query literal: QuickBooks strings are single-quoted with backslash escapes. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function entityReader(spec: EntitySpec): StreamReader {
  return async function* (ctx) {
    const previous = readState(ctx.state);
    const full = ctx.mode === 'full_refresh';
    let state: EntityState;
    if (previous.pass && (!full || previous.pass.full)) {
      state = previous;
    } else {
      const start = full ? null : previous.cursor;
      state = { cursor: start, seen: full ? [] : previous.seen, pass: { full, since: start } };
    }
    ctx.log('debug', `${spec.entity} pass`, { full: state.pass?.full, since: state.pass?.since });

    let serverTime: string | null = null;
    for (;;) {
      const where = [...spec.filters];
      if (state.cursor !== null) where.push(`Metadata.LastUpdatedTime >= ${literal(state.cursor)}`);
      const query =
        `SELECT * FROM ${spec.entity}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${state.position ?? 1} MAXRESULTS ${maxResults}`;
      const response = await getCompany<QboObject>(ctx, '/query', { query });
      serverTime ??= typeof response.body['time'] === 'string' ? response.body['time'] : null;
      const page = isObject(response.body['QueryResponse']) ? response.body['QueryResponse'][spec.entity] : undefined;
      const items = Array.isArray(page) ? page.filter(isObject) : [];
      const cursorTime = timeOf(state.cursor);
      const seen = new Set(state.seen);
      const fresh = items.filter((item) => !(timeOf(lastUpdated(item)) === cursorTime && seen.has(String(item['Id']))));
      if (fresh.length > 0) yield { type: 'records', records: fresh };

      const last = items.length > 0 ? lastUpdated(items[items.length - 1]!) : null;
      if (last !== null && timeOf(last) !== cursorTime) {
        const at = timeOf(last);
        state.cursor = last;
        state.seen = items.filter((item) => timeOf(lastUpdated(item)) === at).map((item) => String(item['Id']));
        delete state.position;
      } else if (last !== null) {
        // A whole page at one instant: step through that instant by position.
        state.position = (state.position ?? 1) + items.length;
        state.seen = [...seen, ...items.map((item) => String(item['Id']))];
      }
      const done = items.length < maxResults;
      if (done) delete state.position;
      if (!done) yield { type: 'state', state: snapshot(state) };
      if (done) break;
    }

    if (state.pass && !state.pass.full && state.pass.since !== null) yield* readDeletions(ctx, spec, state, state.pass.since, serverTime);
    delete state.pass;
    yield { type: 'state', state: snapshot(state) };
  };
}

async function* readDeletions(ctx: StreamContext, spec: EntitySpec, state: EntityState, since: string, serverTime: string | null): AsyncGenerator<StreamMessage> {
  if (serverTime !== null && timeOf(since) < timeOf(serverTime) - cdcLookbackMs) {
    ctx.log('warn', `${spec.entity}: the cursor is older than change data capture's 30 days; deletions since then are found by the next full refresh`, { since });
    return;
  }
  const response = await getCompany<QboObject>(ctx, '/cdc', { entities: spec.entity, changedSince: since }, [400]);
  if (response.status === 400) {
    ctx.log('warn', `${spec.entity}: change data capture refused the window; deletions are found by the next full refresh`, { since, fault: faultText(response.body) });
    return;
  }
  const objects = cdcObjects(response.body, spec.entity);
  const deleted = objects.filter((o) => o['status'] === 'Deleted').map((o) => String(o['Id']));
  const changed = objects.filter((o) => o['status'] !== 'Deleted');
  if (changed.length > 0) yield { type: 'records', records: changed };
  if (deleted.length > 0) yield { type: 'deletes', ids: deleted };
  if (objects.length >= cdcMaxObjects) {
    ctx.log('warn', `${spec.entity}: change data capture answered its maximum of ${cdcMaxObjects} objects; deletions beyond them are found by the next full refresh`, { since });
    return;
  }
  const time = response.body['time'];
  const upTo = typeof time === 'string' ? timeOf(time) - cursorMarginMs : Number.NaN;
  if (!Number.isNaN(upTo) && (state.cursor === null || upTo > timeOf(state.cursor))) {
    state.cursor = shiftedTime(time as string, upTo);
    state.seen = [];
  }
}

/** The instant `epochMs`, printed in the same UTC offset as the server's `time` (`2015-12-23T10:00:01-07:00`). */
function shiftedTime(serverTime: string, epochMs: number): string {
  const zone = /([+-])(\d{2}):?(\d{2})$/.exec(serverTime);
  if (!zone) return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const offsetMinutes = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return `${local}${zone[1]}${zone[2]}:${zone[3]}`;
}

/** The objects of one entity in a CDC answer: `CDCResponse[].QueryResponse[].<Entity>[]`. */
function cdcObjects(body: QboObject, entity: string): QboObject[] {
  const out: QboObject[] = [];
  const responses = Array.isArray(body['CDCResponse']) ? body['CDCResponse'] : [];
  for (const response of responses) {
    const blocks = isObject(response) && Array.isArray(response['QueryResponse']) ? response['QueryResponse'] : [];
    for (const block of blocks) {
      const list = isObject(block) ? block[entity] : undefined;
      if (Array.isArray(list)) out.push(...list.filter(isObject));
    }
  }
  return out;
}

function snapshot(state: EntityState): StreamState {
  return JSON.parse(JSON.stringify(state)) as StreamState;
}
