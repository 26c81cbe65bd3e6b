import { createHash } from 'node:crypto';
import type { TypedColumn } from '../../../core/typed-columns/table-shape.js';
import { type Db, prebuilt, queryRows } from '../../db.js';
import { quoteIdent, quoteLiteral, quotedName } from '../../identifiers.js';
import { reserveSeq } from './change-sequence.js';
import type { RecordTable } from './record-tables.js';

export interface RecordInput {
  id: string;
  json: string;
  hash: string;
  /** The values that did not fit their typed column, as `{ column: value }` JSON (see core/typed-columns). */
  variants?: string | null;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export function contentHash(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 32);
}

/** One batch as the engine commits it: its records, and the run's bookkeeping that must land with them. */
export interface BatchCommit {
  table: RecordTable;
  connectionId: string;
  /** Unique ids (the engine dedupes a batch, keeping the last version). */
  records: RecordInput[];
  runId: string;
  stream: string;
  /** Full refresh: remember the batch's ids, so that rows not seen by the end of the run are soft-deleted. */
  markSeen: boolean;
  /** Records without a usable primary key: counted as failed. */
  rejected: number;
  /** The reader's checkpoint covering this batch and everything before it, if it emitted one. */
  state: Record<string, unknown> | null;
  /** Also store `state` as the connection's cursor for the stream (incremental runs). */
  saveCursor: boolean;
  /**
   * Fetch the stored hashes first and send only new or changed records (the default). `false` sends every
   * record and lets the server sort them out, one round trip instead of two: the engine does that while a
   * stream's batches keep coming back all new (a first sync), where probing finds nothing to skip.
   */
  probe?: boolean;
  /**
   * The table's typed columns: each is filled from the payload in the same statement (`(data #>> path)::type`),
   * NULL where the record's `variants` hold its value. Absent or empty: only the payload is written.
   */
  columns?: readonly TypedColumn[];
  /** Write the typed columns as NULL (a batch the database refused to type; its payload is still written). */
  untyped?: boolean;
}

/**
 * Commits one batch in two round trips (one unprobed), atomically:
 *
 * 1. the stored hashes of the batch's ids are fetched, and only new or changed records are sent (measured here:
 *    twice the re-sync speed of letting the server compare); skipped when `probe` is false;
 * 2. one statement does the rest, its parts as data-modifying CTEs (a statement is atomic on its own): the
 *    multi-row upsert, the seen ids (full refresh), the counts and checkpoint on `run_streams`, and the
 *    connection's cursor. A soft-deleted row that comes back is revived and counted as updated.
 *
 * It replaces a transaction of six statements (BEGIN, select, insert, counts, checkpoint, COMMIT) issued one after
 * the other. The statement's text and parameters are built directly: Drizzle's `sql` templates cost 2.2 ms per
 * 1,000-row statement here (a fragment and four parameters per row, joined and flattened), this 0.1 ms.
 */
export async function commitBatch(db: Db, batch: BatchCommit): Promise<WriteCounts> {
  const { table: t, connectionId, records } = batch;
  const target = quotedName(t.schema, t.table);
  const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0 };
  const ids = records.map((r) => r.id);
  // Without the probe, every record is sent and the server tells new from changed from unchanged.
  const probe = batch.probe !== false;
  let changed: RecordInput[] = records;
  if (probe && records.length > 0) {
    const stored = await queryRows<{ id: string; hash: string; deleted: boolean }>(
      db,
      prebuilt(`select id, hash, deleted_at is not null as deleted from ${target} where connection_id = $1 and id = any($2::text[])`, [connectionId, ids]),
    );
    const known = new Map(stored.map((row) => [row.id, row]));
    changed = [];
    for (const record of records) {
      const previous = known.get(record.id);
      if (!previous) counts.created++;
      else if (previous.hash !== record.hash || previous.deleted) counts.updated++;
      else {
        counts.unchanged++;
        continue;
      }
      changed.push(record);
    }
  }

  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const run = param(batch.runId);
  const stream = param(batch.stream);
  const parts: string[] = [];
  const connection = changed.length > 0 || (batch.state && batch.saveCursor) ? param(connectionId) : '';
  const serverCounts = !probe && changed.length > 0;
  const typed = batch.columns && batch.columns.length > 0 ? batch.columns : null;
  if (changed.length > 0 && typed) {
    parts.push(reserveSeq(t.schema, 'seq', String(changed.length), param(t.table)));
    parts.push(typedUpsert(target, changed, typed, connection, param, params, batch.untyped === true, serverCounts));
  } else if (changed.length > 0) {
    parts.push(reserveSeq(t.schema, 'seq', String(changed.length), param(t.table)));
    const tuples = new Array<string>(changed.length);
    for (let i = 0; i < changed.length; i++) {
      const r = changed[i]!;
      params.push(r.id, r.json, r.hash);
      const n = params.length;
      tuples[i] = `(${connection}, $${n - 2}, $${n - 1}::jsonb, $${n}, ${i + 1})`;
    }
    // Unprobed, an unchanged row is left alone (the WHERE) and not returned; `xmax = 0` tells an inserted row
    // from an updated one.
    parts.push(`upserted as (insert into ${target} as t (connection_id, id, data, hash, change_seq)
      select v.c, v.i, v.d, v.h, seq.base + v.n from (values ${tuples.join(', ')}) as v(c, i, d, h, n) cross join seq
      on conflict (connection_id, id) do update set data = excluded.data, hash = excluded.hash, updated_at = now(), deleted_at = null, change_seq = excluded.change_seq${
        serverCounts ? `\n      where t.hash is distinct from excluded.hash or t.deleted_at is not null returning (xmax = 0) as inserted` : ''
      })`);
  }
  if (serverCounts) {
    parts.push(`counted as (select (count(*) filter (where inserted))::int as created, (count(*) filter (where not inserted))::int as updated from upserted)`);
  }
  if (batch.markSeen && ids.length > 0) {
    parts.push(`seen as (insert into seen_batches (run_id, stream, ids) values (${run}, ${stream}, ${param(ids)}::text[]))`);
  }
  const state = batch.state === null ? null : param(JSON.stringify(batch.state));
  const [created, updated, unchanged] = serverCounts
    ? ['(select created from counted)', '(select updated from counted)', `(${records.length} - (select created + updated from counted))`]
    : [counts.created, counts.updated, counts.unchanged];
  parts.push(`progress as (update run_streams set created = created + ${created}, updated = updated + ${updated},
      unchanged = unchanged + ${unchanged}, failed = failed + ${Math.trunc(batch.rejected)}${state ? `, state = ${state}::jsonb` : ''}
      where run_id = ${run} and stream = ${stream})`);
  if (state && batch.saveCursor) {
    parts.push(`cursor as (insert into stream_states (connection_id, stream, state, updated_at) values (${connection}, ${stream}, ${state}::jsonb, now())
      on conflict (connection_id, stream) do update set state = excluded.state, updated_at = excluded.updated_at)`);
  }
  const rows = await queryRows<{ created: number; updated: number }>(
    db,
    prebuilt(`with ${parts.join(',\n')} ${serverCounts ? 'select created, updated from counted' : 'select 0 as created, 0 as updated'}`, params),
  );
  if (serverCounts) {
    counts.created = Number(rows[0]?.created ?? 0);
    counts.updated = Number(rows[0]?.updated ?? 0);
    counts.unchanged = records.length - counts.created - counts.updated;
  }
  return counts;
}

/**
 * The upsert with typed columns: the rows as a VALUES list (connection, id, payload, hash, change number,
 * variants), each typed column extracted from the payload by a path parameter. A value listed in the row's
 * variants is NULL in its column, so a misfit never reaches a cast; the record typer only lets through values
 * the cast is certain to accept.
 */
function typedUpsert(
  target: string,
  changed: readonly RecordInput[],
  columns: readonly TypedColumn[],
  connection: string,
  param: (value: unknown) => string,
  params: unknown[],
  untyped: boolean,
  serverCounts: boolean,
): string {
  const tuples = new Array<string>(changed.length);
  for (let i = 0; i < changed.length; i++) {
    const r = changed[i]!;
    params.push(r.id, r.json, r.hash);
    const n = params.length;
    const variants = r.variants ? `${param(r.variants)}::jsonb` : 'null::jsonb';
    tuples[i] = `(${connection}, $${n - 2}, $${n - 1}::jsonb, $${n}, ${i + 1}, ${variants})`;
  }
  const names = columns.map((c) => quoteIdent(c.name));
  const values = columns.map((c) => (untyped ? `null::${c.type}` : typedValue(c, c.path.map((segment) => `${param(segment)}::text`))));
  return `upserted as (insert into ${target} as t (connection_id, id, data, hash, change_seq, _variants, ${names.join(', ')})
      select v.c, v.i, v.d, v.h, seq.base + v.n, v.x, ${values.join(', ')} from (values ${tuples.join(', ')}) as v(c, i, d, h, n, x) cross join seq
      on conflict (connection_id, id) do update set data = excluded.data, hash = excluded.hash, updated_at = now(), deleted_at = null, change_seq = excluded.change_seq, _variants = excluded._variants, ${names
        .map((name) => `${name} = excluded.${name}`)
        .join(', ')}${serverCounts ? `\n      where t.hash is distinct from excluded.hash or t.deleted_at is not null returning (xmax = 0) as inserted` : ''})`;
}

/**
 * A typed column's value from the payload. Keys go as parameters along an `->` chain: measured on PostgreSQL 15,
 * about a quarter cheaper than `#>>` with a path array (which is taken apart again for every row).
 */
function typedValue(column: TypedColumn, keys: readonly string[]): string {
  const parent = keys.slice(0, -1).reduce((expression, key) => `${expression} -> ${key}`, 'v.d');
  const last = keys[keys.length - 1]!;
  switch (column.type) {
    case 'text':
      return `${parent} ->> ${last}`;
    case 'jsonb':
      return `nullif(${parent} -> ${last}, 'null'::jsonb)`;
    default:
      return `case when v.x ? ${quoteLiteral(column.name)} then null else (${parent} ->> ${last})::${column.type} end`;
  }
}
