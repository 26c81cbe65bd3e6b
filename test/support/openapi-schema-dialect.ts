/**
 * OpenAPI 3.0's schema objects are "an extended subset" of JSON Schema draft-05: `nullable: true` means the value
 * may also be null, which no JSON Schema validator reads the same way (ajv's own `nullable` needs a sibling
 * `type` and ignores `enum`, but vendor documents put `nullable` beside `anyOf` and `enum`). This rewrites every
 * schema of a 3.0 document, in a copy, so plain draft-07 validation means what the 3.0 document means:
 * `{ …, nullable: true }` becomes `{ anyOf: [{ type: 'null' }, { … }] }`. OpenAPI 3.1 documents are JSON Schema
 * 2020-12 already and are left alone.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of a 3.0 document whose schemas validate under draft-07 as the document means them. */
export function jsonSchemaDialectOf(document: Json): Json {
  const copy = structuredClone(document);
  visitDocument(copy);
  return copy;
}

/** Walks the non-schema parts of the document; every `schema` value and every component schema is a schema. */
function visitDocument(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) visitDocument(item);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'schema' && isObject(value)) {
      rewriteSchema(value);
    } else if (key === 'schemas' && isObject(value)) {
      for (const schema of Object.values(value)) if (isObject(schema)) rewriteSchema(schema);
    } else {
      visitDocument(value);
    }
  }
}

function rewriteSchema(schema: Json): void {
  for (const key of ['properties', 'patternProperties'] as const) {
    const map = schema[key];
    if (isObject(map)) for (const sub of Object.values(map)) if (isObject(sub)) rewriteSchema(sub);
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) {
    const sub = schema[key];
    if (isObject(sub)) rewriteSchema(sub);
    else if (Array.isArray(sub)) for (const item of sub) if (isObject(item)) rewriteSchema(item);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const item of list) if (isObject(item)) rewriteSchema(item);
  }
  // 3.0 writes exclusive bounds as booleans beside minimum/maximum (draft-04 style); draft-07 wants numbers.
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    schema.exclusiveMinimum = schema.minimum;
    delete schema.minimum;
  } else if (schema.exclusiveMinimum === false) delete schema.exclusiveMinimum;
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    schema.exclusiveMaximum = schema.maximum;
    delete schema.maximum;
  } else if (schema.exclusiveMaximum === false) delete schema.exclusiveMaximum;
  if (schema.nullable === true) {
    delete schema.nullable;
    const rest: Json = { ...schema };
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [{ type: 'null' }, rest];
  } else if (schema.nullable === false) {
    delete schema.nullable;
  }
}
