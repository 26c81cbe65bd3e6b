import { createHash } from 'node:crypto';

/** Columns every record table has, with their types (the DDL is in db/queries/records/record-tables.ts and table-shapes.ts). */
export const systemColumnTypes: readonly { name: string; type: string }[] = [
  { name: 'connection_id', type: 'text' },
  { name: 'id', type: 'text' },
  { name: 'data', type: 'jsonb' },
  { name: 'hash', type: 'text' },
  { name: 'first_seen_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'deleted_at', type: 'timestamptz' },
  { name: 'change_seq', type: 'bigint' },
  { name: '_variants', type: 'jsonb' },
];

/** A field named like a system column gets the `source_` prefix (`source_id`, `source_updated_at`). */
export const systemColumns: ReadonlySet<string> = new Set(systemColumnTypes.map((c) => c.name));

/** PostgreSQL truncates identifiers to 63 bytes; ours stay below so two long names never end up equal. */
const maxNameBytes = 63;

/** `createdAt` → `created_at`, `Due Date` → `due_date`, `$ref` → `ref`. */
export function snakeCase(segment: string): string {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The column name a field path would like: its snake_cased segments joined by `__`. */
export function preferredColumnName(path: readonly string[]): string {
  let name = path.map((segment) => snakeCase(segment) || 'field').join('__');
  if (/^[0-9]/.test(name)) name = `f_${name}`;
  if (systemColumns.has(name) || name.startsWith('_tributary')) name = `source_${name}`;
  return name;
}

/**
 * A unique column name for `path` among `taken`: the preferred name, shortened with a hash of the path when it
 * is too long, and numbered when two paths snake_case alike (`a_b` and `aB`).
 */
export function columnNameFor(path: readonly string[], taken: ReadonlySet<string>): string {
  let base = preferredColumnName(path);
  if (Buffer.byteLength(base) > maxNameBytes - 4) {
    const digest = createHash('sha256').update(JSON.stringify(path)).digest('hex').slice(0, 8);
    base = `${base.slice(0, maxNameBytes - 4 - 9).replace(/_+$/, '')}_${digest}`;
  }
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
