import type { StreamManifest } from '../../../contracts/manifest.js';
import { holds } from '../declarative/condition.js';
import { removeAt, setAt, valueAt } from '../declarative/json-path.js';
import type { JsonRecord, StreamSpec, Transform } from '../declarative/stream-spec.js';
import type { SandboxClock } from './clock.js';
import { formatCursor } from './cursor-format.js';
import { hash32 } from './prng.js';
import { RecordStore, type DeletionMode } from './record-store.js';
import { SchemaRecords, stringHash, type FieldOverride } from './schema-records.js';
import { satisfy } from './simulated-page.js';

/**
 * One described stream's records, as the simulator keeps them: made from the manifest stream's schema, in the
 * provider's shape (the description's transforms undone), passing its record filter, never looking deleted
 * unless deleted, the cursor where the description reads it, spread over its partitions.
 */
export interface SimulatedRecordsInput {
  name: string;
  spec: StreamSpec;
  stream: StreamManifest;
  seed: number;
  clock: SandboxClock;
  count: number;
  partitionIds?: string[];
  fieldOverrides?: Record<string, FieldOverride>;
  /** The provider's key (the single primary key) of the record at an index, written into it. */
  keyAt?: (index: number) => string | number;
  /** The provider's own record at an index, in place of the schema-made one. */
  draw?: (index: number, at: number) => JsonRecord;
}

/** The store of one described stream (see the header above). */
export function simulatedRecords(input: SimulatedRecordsInput): RecordStore {
  const { name, spec, stream, clock, count } = input;
  const incremental = spec.incremental;
  const cursorField = incremental?.type === 'datetime' ? incremental.field : stream.cursor_field;
  const generator = new SchemaRecords({
    schema: stream.json_schema,
    seed: input.seed,
    stream: name,
    primaryKey: stream.primary_key,
    ...(stream.cursor_field === undefined ? {} : { cursorField: stream.cursor_field }),
    // The description's format when it has one; else the schema's (Stripe's `created` is Unix seconds).
    ...(incremental?.type === 'datetime' ? { cursorFormat: incremental.format } : {}),
    ...(input.fieldOverrides === undefined ? {} : { overrides: input.fieldOverrides }),
  });
  const cursorFormat = generator.cursorFormat;
  // The schema's own shape of the cursor (text, a pattern) when the description reads the manifest's cursor field.
  const sameField = cursorField !== undefined && String(cursorField) === stream.cursor_field;
  const cursorValue = (at: number, index: number): unknown => (sameField ? generator.cursorValue(at, index) : formatCursor(at, cursorFormat));
  const deletions: DeletionMode = spec.deletions?.type === 'flag' ? 'flag' : spec.deletions?.type === 'endpoint' ? 'tombstone' : 'vanish';
  const when = spec.deletions?.type === 'flag' ? spec.deletions.when : undefined;
  const ids = input.partitionIds;
  const keyAt = input.keyAt;
  const make = (index: number, at: number): JsonRecord => {
    const record = unapplyTransforms(input.draw?.(index, at) ?? generator.record(index, at), spec.transform);
    // Records the reader's selector would drop would never reach a sync: make every one pass it.
    for (const condition of spec.records.filter) if (condition.in_config === undefined) satisfy(record, condition, true);
    // Nor may a live record look deleted (an enum that holds the deleted status).
    if (when !== undefined && holds(when, record)) satisfy(record, when, false);
    if (cursorField !== undefined) setAt(record, cursorField, cursorValue(at, index));
    if (keyAt !== undefined) setAt(record, stream.primary_key[0]!, keyAt(index));
    return record;
  };
  const keyOf = (record: JsonRecord): string => stream.primary_key.map((key) => String(valueAt(record, key))).join(':');
  // Knowing a key without making its record lets a large store start at once (50,000 Deel people: seconds → ms).
  // The provider's key function is exact; the generator's is, unless a draw, an override or a transform moved the
  // key, which the first and last records tell.
  const knownKey = keyAt === undefined ? generatedKey(generator, input, make, keyOf) : (index: number) => String(keyAt(index));
  return new RecordStore({
    make,
    keyOf,
    ...(knownKey === undefined ? {} : { keyAt: knownKey }),
    count,
    clock,
    secret: hash32(input.seed, stringHash(name)),
    // At least a minute apart, so a provider filtering by the minute still tells seeded records apart.
    stepSeconds: Math.max(60, Math.floor((180 * 86_400) / Math.max(1, count))),
    deletions,
    ...(when === undefined ? {} : { applyDeletionFlag: (record: JsonRecord) => satisfy(record, when, true) }),
    ...(ids === undefined ? {} : { partitionOf: (index: number) => ids[index % ids.length] }),
  });
}

/** The key at an index from the schema generator's id, when the made records are keyed by it (see above). */
function generatedKey(
  generator: SchemaRecords,
  input: SimulatedRecordsInput,
  make: (index: number, at: number) => JsonRecord,
  keyOf: (record: JsonRecord) => string,
): ((index: number) => string) | undefined {
  const key = input.stream.primary_key;
  if (key.length !== 1 || input.draw !== undefined || input.fieldOverrides?.[String(key[0])] !== undefined || input.count === 0) return undefined;
  const keyAt = (index: number) => String(generator.idOf(index));
  const at = input.clock.now();
  return [0, input.count - 1].every((index) => keyOf(make(index, at)) === keyAt(index)) ? keyAt : undefined;
}

/** The parent list of a partitioned stream no other stream describes: one record per partition id. */
export function partitionStore(ids: string[], idPath: StreamSpec['records']['path'] & {}, clock: SandboxClock, secret: number): RecordStore {
  return new RecordStore({
    make: (index) => {
      const record: JsonRecord = {};
      setAt(record, idPath, ids[index]);
      return record;
    },
    keyOf: (record) => String(valueAt(record, idPath)),
    count: ids.length,
    clock,
    secret,
  });
}

/**
 * The provider's record from the record the manifest's schema describes: the description's transforms undone,
 * last first (an added field removed, a renamed one given its provider name back).
 */
function unapplyTransforms(record: JsonRecord, transforms: Transform[]): JsonRecord {
  for (const transform of [...transforms].reverse()) {
    if ('add' in transform) removeAt(record, transform.add.path);
    else if ('rename' in transform) {
      const value = valueAt(record, transform.rename.to);
      removeAt(record, transform.rename.to);
      if (value !== undefined) setAt(record, transform.rename.from, value);
    }
  }
  return record;
}
