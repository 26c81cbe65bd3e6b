import { typeOfKind, type ColumnType, type ValueKind } from './column-types.js';

export interface DeclaredColumn {
  path: string[];
  type: ColumnType;
}

type JsonSchema = Record<string, unknown>;

function typesOf(schema: JsonSchema): string[] {
  const type = schema['type'];
  const list = Array.isArray(type) ? type : typeof type === 'string' ? [type] : [];
  return list.filter((t): t is string => typeof t === 'string' && t !== 'null');
}

/** A JSON Schema type as the kind of value it declares (a date-time string is one), for `typeOfKind`. */
const kindOfSchemaType: Record<string, Exclude<ValueKind, 'null'>> = { integer: 'integer', number: 'number', boolean: 'boolean', string: 'string', array: 'array', object: 'object' };

function scalarType(types: string[], format: unknown): ColumnType | undefined {
  if (types.length !== 1) return types.length === 0 ? undefined : types.some((t) => t === 'object' || t === 'array') ? 'jsonb' : 'text';
  const kind = types[0] === 'string' && format === 'date-time' ? 'datetime' : kindOfSchemaType[types[0]!];
  return kind === undefined ? undefined : typeOfKind(kind);
}

/**
 * The columns a stream's JSON Schema declares: each property by its `type` and `format` (integer → bigint,
 * number → numeric, string with format date-time → timestamptz, …), objects with `properties` flattened into
 * `parent__child` up to `depth` levels, deeper objects and arrays as jsonb. Properties without a usable type
 * (`anyOf`, no `type`) are left to the data.
 *
 * @example
 * declaredColumns({ type: 'object', properties: { user: { type: 'object', properties: { id: { type: 'integer' } } } } }, 2)
 * // → [{ path: ['user', 'id'], type: 'bigint' }]
 */
export function declaredColumns(schema: JsonSchema, depth: number): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  const visit = (node: JsonSchema, prefix: string[], level: number): void => {
    const properties = node['properties'];
    if (!properties || typeof properties !== 'object') return;
    for (const [key, raw] of Object.entries(properties as Record<string, unknown>)) {
      if (!raw || typeof raw !== 'object') continue;
      const child = raw as JsonSchema;
      const path = [...prefix, key];
      const types = typesOf(child);
      const hasProperties = child['properties'] !== undefined && typeof child['properties'] === 'object';
      if (types.length === 1 && types[0] === 'object' && hasProperties && level < depth) {
        visit(child, path, level + 1);
        continue;
      }
      const type = scalarType(types, child['format']);
      if (type) out.push({ path, type });
    }
  };
  visit(schema, [], 0);
  return out;
}
