/**
 * Swagger 2.0 → OpenAPI 3.0.3, for Slack's Web API document (the only 2.0 one the fidelity suite reads), so the
 * traffic validator has one input format. Only the mechanical, meaning-preserving moves of the 3.0 migration
 * are made, and the schemas themselves are copied unchanged:
 * - `host` + `basePath` (+ first scheme) → `servers[0].url`;
 * - `definitions` → `components.schemas`, and every `#/definitions/X` reference → `#/components/schemas/X`;
 * - query/header/path parameters: their type keywords (`type`, `format`, `items`, `enum`, `default`, bounds…)
 *   move into `schema`; `collectionFormat: multi` → `explode: true`, `csv` (the default) → `explode: false`;
 * - `formData` parameters → one `application/x-www-form-urlencoded` request body whose object schema has a
 *   property per parameter (required ones listed in `required`); a `body` parameter → a request body for each
 *   `consumes` type (default `application/json`);
 * - a response's `schema` → `content` for each `produces` type (default `application/json`).
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
const schemaKeys = [
  'type', 'format', 'items', 'enum', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf',
];

/** The 3.0.3 equivalent of a Swagger 2.0 document (see the header for what moves where). */
export function swagger2ToOpenApi3(doc: Json): Json {
  if (doc.swagger !== '2.0') throw new Error('not a Swagger 2.0 document');
  const source = renameDefinitionRefs(structuredClone(doc)) as Json;
  const scheme = Array.isArray(source.schemes) && typeof source.schemes[0] === 'string' ? source.schemes[0] : 'https';
  const out: Json = {
    openapi: '3.0.3',
    info: source.info,
    ...(source.externalDocs ? { externalDocs: source.externalDocs } : {}),
    servers: [{ url: `${scheme}://${String(source.host ?? 'localhost')}${String(source.basePath ?? '')}` }],
    ...(source.tags ? { tags: source.tags } : {}),
    paths: {},
    components: {
      schemas: source.definitions ?? {},
      ...(source.securityDefinitions ? { 'x-swagger2-securityDefinitions': source.securityDefinitions } : {}),
    },
  };
  const globalConsumes = (source.consumes as string[] | undefined) ?? ['application/json'];
  const globalProduces = (source.produces as string[] | undefined) ?? ['application/json'];
  for (const [path, item] of Object.entries((source.paths as Json | undefined) ?? {})) {
    if (!isObject(item)) continue;
    const converted: Json = {};
    if (Array.isArray(item.parameters)) converted.parameters = (item.parameters as Json[]).filter((p) => !['formData', 'body'].includes(String(p.in))).map(parameter);
    for (const method of methods) {
      const op = item[method];
      if (isObject(op)) converted[method] = operation(op, (op.consumes as string[] | undefined) ?? globalConsumes, (op.produces as string[] | undefined) ?? globalProduces);
    }
    (out.paths as Json)[path] = converted;
  }
  return out;
}

function operation(op: Json, consumes: string[], produces: string[]): Json {
  const { parameters, responses, consumes: _c, produces: _p, ...rest } = op;
  const params = Array.isArray(parameters) ? (parameters as Json[]) : [];
  const out: Json = { ...rest };
  const plain = params.filter((p) => p.in !== 'formData' && p.in !== 'body');
  if (plain.length > 0) out.parameters = plain.map(parameter);
  const form = params.filter((p) => p.in === 'formData');
  const body = params.find((p) => p.in === 'body');
  if (form.length > 0) {
    const required = form.filter((p) => p.required === true).map((p) => String(p.name));
    out.requestBody = {
      ...(required.length > 0 ? { required: true } : {}),
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            properties: Object.fromEntries(form.map((p) => [String(p.name), schemaOf(p)])),
            ...(required.length > 0 ? { required } : {}),
          },
        },
      },
    };
  } else if (body) {
    out.requestBody = {
      ...(body.required === true ? { required: true } : {}),
      ...(body.description ? { description: body.description } : {}),
      content: Object.fromEntries(consumes.map((type) => [type, { schema: body.schema }])),
    };
  }
  out.responses = Object.fromEntries(
    Object.entries(isObject(responses) ? responses : {}).map(([status, response]) => {
      if (!isObject(response)) return [status, response];
      const { schema, examples: _e, ...restResponse } = response;
      return [status, schema === undefined ? restResponse : { ...restResponse, content: Object.fromEntries(produces.map((type) => [type, { schema }])) }];
    }),
  );
  return out;
}

function parameter(p: Json): Json {
  const out: Json = { name: p.name, in: p.in };
  if (p.description !== undefined) out.description = p.description;
  if (p.required !== undefined) out.required = p.required;
  out.schema = schemaOf(p);
  if (p.type === 'array') {
    const format = p.collectionFormat ?? 'csv';
    if (format === 'multi') out.explode = true;
    else if (format === 'csv') out.explode = false;
  }
  return out;
}

function schemaOf(p: Json): Json {
  if (isObject(p.schema)) return p.schema;
  return Object.fromEntries(schemaKeys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
}

function renameDefinitionRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(renameDefinitionRefs);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/') ? `#/components/schemas/${value.slice('#/definitions/'.length)}` : renameDefinitionRefs(value),
    ]),
  );
}
