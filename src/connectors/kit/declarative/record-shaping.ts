import type { StreamContext } from '../../../contracts/connector-kit.js';
import { holds } from './condition.js';
import { removeAt, setAt, valueAt } from './json-path.js';
import type { DeletionsSpec, JsonRecord, StreamSpec, Transform } from './stream-spec.js';

/**
 * What happens to a page's items once the cursor has had its say: deletions the provider flags become deleted
 * ids, the selector's filter drops records, transforms add, remove and rename fields, and the record hook maps
 * what is left.
 */

function transformed(record: JsonRecord, transforms: Transform[]): JsonRecord {
  if (transforms.length === 0) return record;
  const copy = structuredClone(record);
  for (const transform of transforms) {
    if ('add' in transform) setAt(copy, transform.add.path, transform.add.value);
    else if ('remove' in transform) removeAt(copy, transform.remove);
    else {
      const value = valueAt(copy, transform.rename.from);
      if (value !== undefined) {
        removeAt(copy, transform.rename.from);
        setAt(copy, transform.rename.to, value);
      }
    }
  }
  return copy;
}

/** The record's id as the engine keys it: its single primary key field, as text. */
export function recordId(record: JsonRecord, ctx: StreamContext): string | null {
  const key = ctx.stream.primary_key[0];
  const value = key === undefined ? undefined : valueAt(record, key);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

export function isFlaggedDeleted(record: JsonRecord, deletions: DeletionsSpec | undefined, ctx: StreamContext): boolean {
  return deletions?.type === 'flag' && holds(deletions.when, record, ctx.config);
}

export function shapeRecords(items: JsonRecord[], spec: StreamSpec, ctx: StreamContext): { live: JsonRecord[]; deleted: string[] } {
  const live: JsonRecord[] = [];
  const deleted: string[] = [];
  for (const item of items) {
    if (isFlaggedDeleted(item, spec.deletions, ctx)) {
      const id = recordId(item, ctx);
      if (id !== null) deleted.push(id);
      continue;
    }
    if (!spec.records.filter.every((condition) => holds(condition, item, ctx.config))) continue;
    const shaped = transformed(item, spec.transform);
    const mapped = spec.hooks.record ? spec.hooks.record(shaped, ctx) : shaped;
    if (mapped !== null) live.push(mapped);
  }
  return { live, deleted };
}
