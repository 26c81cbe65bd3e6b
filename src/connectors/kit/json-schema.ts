/**
 * Building a stream's JSON Schema (draft 2020-12) from small parts, the same way in every connector: providers
 * add fields over time and mark many of them nullable, so objects stay open (`additionalProperties: true`) and
 * only identity and cursor fields are required.
 */

/**
 * A JSON Schema as a plain object.
 *
 * @example
 * ```ts
 * const id: JsonSchema = { type: 'string', description: 'The provider id.' };
 * ```
 */
export type JsonSchema = Record<string, unknown>;

/** Also admits null; an `enum` lists null too, or a null value would still fail it. */
function nullable(schema: JsonSchema): JsonSchema {
  const type = schema['type'];
  const types = Array.isArray(type) ? (type as string[]) : type === undefined ? [] : [type as string];
  return {
    ...schema,
    ...(types.length > 0 ? { type: types.includes('null') ? types : [...types, 'null'] } : {}),
    ...(Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(null) ? { enum: [...(schema['enum'] as unknown[]), null] } : {}),
  };
}

/** An open object: the listed properties, the required ones, and any others the provider adds. */
function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: true };
}

/**
 * The parts connectors build record schemas from: scalar types, formats, `nullable`, open `object`s and
 * `arrayOf`. One set of helpers instead of a copy (and three versions of `nullable`) per connector.
 *
 * @example
 * ```ts
 * const { string, integer, dateTime, nullable, object, arrayOf } = schema;
 * export const personSchema = {
 *   $schema: 'https://json-schema.org/draft/2020-12/schema',
 *   title: 'Person',
 *   ...object({ id: string, age: nullable(integer), emails: arrayOf(string), updated_at: dateTime }, ['id']),
 * };
 * ```
 */
export const schema = {
  string: { type: 'string' } as JsonSchema,
  integer: { type: 'integer' } as JsonSchema,
  number: { type: 'number' } as JsonSchema,
  boolean: { type: 'boolean' } as JsonSchema,
  /** RFC 3339 date-time text. */
  dateTime: { type: 'string', format: 'date-time' } as JsonSchema,
  /** A calendar date, `YYYY-MM-DD`. */
  date: { type: 'string', format: 'date' } as JsonSchema,
  nullable,
  object,
  arrayOf: (items: JsonSchema): JsonSchema => ({ type: 'array', items }),
  /** One of the listed strings. */
  oneOf: (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] }),
} as const;
