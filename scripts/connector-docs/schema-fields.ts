import { code } from './markdown-table.js';

/** One top-level property of a stream's record schema, as the reference table shows it. */
export interface SchemaField {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const NESTED_NAMES_SHOWN = 8;

/** `string (date-time)`, `integer or null`, `array of object`, `object`; alternatives joined with `or`. */
export function schemaType(schema: Schema): string {
  const alternatives = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alternatives)) return alternatives.filter(isSchema).map(schemaType).join(' or ');
  const declared = schema['type'];
  const types = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).map(String);
  const named = types.filter((t) => t !== 'null').map((t) => {
    if (t === 'array') return isSchema(schema['items']) ? `array of ${schemaType(schema['items'])}` : 'array';
    return typeof schema['format'] === 'string' && t === 'string' ? `string (${schema['format']})` : t;
  });
  if (named.length === 0 && schema['const'] !== undefined) named.push(typeof schema['const']);
  const text = named.length > 0 ? named.join(' or ') : 'any';
  return types.includes('null') ? `${text} or null` : text;
}

/** The names of a nested object's properties (of an array's items), so a reader sees what the object holds. */
function nestedNames(schema: Schema): string[] {
  const target = isSchema(schema['items']) ? schema['items'] : schema;
  return isSchema(target['properties']) ? Object.keys(target['properties']) : [];
}

function describe(schema: Schema): string {
  const parts: string[] = [];
  if (typeof schema['description'] === 'string') parts.push(schema['description']);
  if (Array.isArray(schema['enum'])) {
    parts.push(`one of ${schema['enum'].filter((v) => v !== null).map((v) => code(String(v))).join(', ')}`);
  }
  if (schema['const'] !== undefined) parts.push(`always ${code(JSON.stringify(schema['const']))}`);
  if (typeof schema['pattern'] === 'string') parts.push(`pattern ${code(schema['pattern'])}`);
  const nested = nestedNames(schema);
  if (nested.length > 0) {
    const shown = nested.slice(0, NESTED_NAMES_SHOWN).map(code).join(', ');
    const more = nested.length > NESTED_NAMES_SHOWN ? ` and ${nested.length - NESTED_NAMES_SHOWN} more` : '';
    parts.push(`nested object: ${shown}${more}`);
  }
  return parts.join('; ');
}

/** The top-level properties of a record schema, in declaration order; nested objects are named, not expanded. */
export function schemaFields(jsonSchema: Schema): SchemaField[] {
  const properties = isSchema(jsonSchema['properties']) ? jsonSchema['properties'] : {};
  const required = new Set(Array.isArray(jsonSchema['required']) ? jsonSchema['required'].map(String) : []);
  return Object.entries(properties).map(([name, value]) => {
    const schema = isSchema(value) ? value : {};
    return { name, type: schemaType(schema), required: required.has(name), description: describe(schema) };
  });
}
