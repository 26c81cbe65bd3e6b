import fc from 'fast-check';
import { sample } from 'openapi-sampler';

/**
 * Requests generated from an OpenAPI document: for each operation a valid baseline (openapi-sampler fills the body
 * from its schema; the caller substitutes real ids), then the same request with one hostile value at a time in each
 * path parameter, query parameter and body field, plus whole-body oddities. Fixed hostile values cover what a
 * database or JS refuses (NUL, lone surrogates, huge strings and numbers, out-of-range dates, wrong types, deep or
 * `__proto__` JSON); fast-check adds seeded random ones, so a failure reproduces from its seed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/api/v1/connections/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: Schema }[];
  body: Schema | undefined;
  /** `GET /api/v1/connections/{id}`: how failures name it. */
  name: string;
}

export interface FuzzRequest {
  operation: string;
  /** What was substituted where, e.g. `body.config: "a\u0000b"`. */
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface FuzzTargets {
  /** A real value for a path parameter of an operation (an existing resource, so handlers get past the 404). */
  pathValue(op: Operation, param: string): string;
  /** A valid body for operations whose sampled body would not get past the handler's own checks. */
  baselineBody?(op: Operation, sampled: unknown): unknown;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ?? []) as { in: string; name: string; schema: Schema }[];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
        name: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return out;
}

// Raw (already percent-encoded) path segments: NUL, a lone surrogate in CESU-8, bytes that are not UTF-8, traversal,
// the longest segment the router takes, unicode, spaces, SQL.
const hostilePathSegments = ['%00', 'a%00b', '%ED%A0%80', '%FF', '%C0%AF', '..', '.', 'x'.repeat(100), '%F0%9F%92%A5', '%20', "'%20or%201%3D1--", '__proto__', 'constructor', '-1', '0'];

// Raw query values; the parameter is also sent twice (an array). Each parameter gets all the first ones and a seeded
// choice of the others.
const hostileQueryValues = ['%00', 'a%00b', '%ED%A0%80', '%FF', '', '-1', '1e309', '99999999999999999999', '9007199254740991', incompressible(4000), '0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z'];
const moreQueryValues = [
  '0', '1.5', '-1e309', '9007199254740993', '2147483648', 'NaN', 'Infinity', '0x10', 'true', 'null', '%F0%9F%92%A5', '__proto__',
  '-000001-01-01T00:00:00Z', '%2B275760-09-13T00:00:00Z', '9999-12-31T23:59:59-05:00', '2024-02-30T00:00:00Z', '1970-01-01T00:00:00Z', '2024-01-01',
];

/** Letters that do not compress (PostgreSQL compresses long index entries: `'x'.repeat(n)` would slip under its limits). */
function incompressible(length: number): string {
  let state = length;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(97 + ((state >>> 16) % 26));
  }
  return out;
}

function deep(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

// JSON values for one body field: what PostgreSQL cannot store, what overflows its columns, wrong types. Each field
// gets all the first ones and a seeded choice of the others.
const hostileJsonValues: Json[] = ['a\u0000b', '\ud800', incompressible(10_001), 2147483648, 1e308, true, null, [], { 'k\u0000': 1 }, deep(70), '0000-01-01T00:00:00Z'];
const moreJsonValues: Json[] = [
  '\u0000', 'x\udc00y', '\udfff\ud800', '', ' ', incompressible(3000), incompressible(200_000), '💥 Ωmega \u202e', "' or 1=1 --",
  '9999-12-31T23:59:59-05:00', '-271821-04-20T00:00:00Z', '2024-02-30T00:00:00Z',
  0, -1, 1.5, -0, -2147483649, 9007199254740993, 1e21, -1e308, 5e-324,
  false, ['a', 1, null], [[[]]], {}, { a: '\u0000' }, { '\ud800': 'x' }, deep(20),
];

/** JSON text with an own `__proto__` / `constructor` key (a JS object literal would set the prototype instead). */
const protoTexts = ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}'];

// Whole bodies with a JSON content type that are not an object of the schema, or not JSON at all.
const hostileBodies: { label: string; payload: string; contentType?: string }[] = [
  { label: 'empty body', payload: '' },
  { label: 'malformed JSON', payload: '{"a":' },
  { label: 'not JSON', payload: 'hello' },
  { label: 'a JSON string', payload: '"x"' },
  { label: 'a JSON number', payload: '1e400' },
  { label: 'JSON null', payload: 'null' },
  { label: 'a JSON array', payload: '[1,2]' },
  { label: 'NUL in JSON text', payload: '{"a":"\u0000"}' },
  { label: 'deeply nested arrays', payload: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { label: '__proto__ key', payload: protoTexts[0]! },
  { label: 'constructor key', payload: protoTexts[1]! },
  { label: 'text/plain', payload: 'hello', contentType: 'text/plain' },
  { label: 'form encoded', payload: 'a=1', contentType: 'application/x-www-form-urlencoded' },
  { label: 'JSON in UTF-16', payload: '{}', contentType: 'application/json; charset=utf-16' },
  { label: 'unknown type', payload: '{}', contentType: 'application/x-unknown' },
];

/** One lone surrogate can't be percent-encoded with encodeURIComponent: encode its CESU-8 bytes by hand. */
function encodeLoose(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) out += `%ED%${(0xa0 | ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h | 0;
}

/** The schema's own limits and one step past them: `limit` at its maximum and above, a name at its longest and longer. */
function boundaryValues(schema: Schema | undefined): Json[] {
  if (!schema) return [];
  const options = (schema['anyOf'] ?? [schema]) as Schema[];
  const out: Json[] = [];
  for (const option of options) {
    if (typeof option['minimum'] === 'number') out.push(option['minimum'], option['minimum'] - 1);
    if (typeof option['maximum'] === 'number') out.push(option['maximum'], option['maximum'] + 1);
    if (typeof option['maxLength'] === 'number' && option['maxLength'] < 300_000) out.push(incompressible(option['maxLength']), incompressible(option['maxLength'] + 1));
    if (typeof option['minLength'] === 'number' && option['minLength'] > 0) out.push(incompressible(option['minLength'] - 1));
    if (Array.isArray(option['enum'])) out.push(`${option['enum'][0]}_not_listed`);
  }
  return out;
}

/** Seeded random values for one field: arbitrary unicode (lone surrogates included), JSON, numbers. */
function randomJson(seed: number, count: number): Json[] {
  const arbitrary = fc.oneof(
    fc.constantFrom(...moreJsonValues),
    fc.constantFrom(...moreJsonValues),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 5 }), { maxKeys: 3 }),
  );
  return fc.sample(arbitrary, { seed, numRuns: count }) as Json[];
}

function randomQuery(seed: number, count: number): string[] {
  const arbitrary = fc.oneof(fc.constantFrom(...moreQueryValues), fc.string({ unit: 'binary', maxLength: 20 }).map(encodeLoose));
  return fc.sample(arbitrary, { seed, numRuns: count });
}

function urlOf(op: Operation, pathValues: Record<string, string>, query: [string, string][]): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => pathValues[name]!);
  return query.length === 0 ? path : `${path}?${query.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

/** Paths of the fields to replace: every declared top-level property, and every value nested in the baseline. */
function fieldPaths(schema: Schema | undefined, baseline: unknown, limit: number, seed: number): (string | number)[][] {
  const paths = new Map<string, (string | number)[]>();
  const add = (path: (string | number)[]) => paths.set(JSON.stringify(path), path);
  for (const name of Object.keys(schema?.properties ?? {})) add([name]);
  const walk = (value: unknown, path: (string | number)[]) => {
    if (path.length > 0) add(path);
    if (path.length >= 4 || value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) walk(child, [...path, Array.isArray(value) ? Number(key) : key]);
  };
  walk(baseline, []);
  const all = [...paths.values()];
  if (all.length <= limit) return all;
  // Large bodies (a full mapping list): a seeded choice, the top-level fields always in it.
  const top = all.filter((p) => p.length === 1);
  const nested = fc.sample(fc.shuffledSubarray(all.filter((p) => p.length > 1), { minLength: limit - top.length, maxLength: limit - top.length }), { seed, numRuns: 1 })[0]!;
  return [...top, ...nested];
}

function withValue(baseline: unknown, path: (string | number)[], value: Json): unknown {
  const copy = structuredClone(baseline ?? {}) as any;
  let node = copy;
  for (const segment of path.slice(0, -1)) {
    if (node[segment] === null || typeof node[segment] !== 'object') node[segment] = {};
    node = node[segment];
  }
  node[path[path.length - 1]!] = value;
  return copy;
}

const json = (value: unknown) => JSON.stringify(value);
const show = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** Every request for one operation: its baseline first, then one substitution at a time. */
export function fuzzRequests(op: Operation, targets: FuzzTargets, options: { seed: number; randomPerField: number; maxBodyFields: number; document: object }): FuzzRequest[] {
  const seed = options.seed ^ hashOf(op.name);
  const pathValues = Object.fromEntries(op.pathParams.map((p) => [p, encodeURIComponent(targets.pathValue(op, p))]));
  const sampled = op.body ? sample(op.body as never, { skipReadOnly: true, quiet: true }, options.document) : undefined;
  const baseline = op.body ? (targets.baselineBody ? targets.baselineBody(op, sampled) : sampled) : undefined;
  const request = (label: string, url: string, body?: { payload: string; contentType?: string }): FuzzRequest => ({
    operation: op.name,
    label,
    method: op.method,
    url,
    headers: body ? { 'content-type': body.contentType ?? 'application/json' } : {},
    ...(body ? { payload: body.payload } : {}),
  });
  const baselinePayload = op.body ? { payload: json(baseline) } : undefined;
  const out: FuzzRequest[] = [];

  for (const param of op.pathParams) {
    for (const value of hostilePathSegments) out.push(request(`path.${param}: ${value}`, urlOf(op, { ...pathValues, [param]: value }, []), baselinePayload));
  }
  for (const { name, schema } of op.queryParams) {
    const bounds = boundaryValues(schema).map((v) => encodeURIComponent(String(v)));
    const values = [...hostileQueryValues, ...bounds, ...randomQuery(seed ^ hashOf(name), options.randomPerField)];
    for (const value of values) out.push(request(`query.${name}: ${show(value)}`, urlOf(op, pathValues, [[name, value]]), baselinePayload));
    out.push(request(`query.${name}: twice`, urlOf(op, pathValues, [[name, '1'], [name, '2']]), baselinePayload));
  }
  for (const extra of ['__proto__', 'constructor', 'a%00b', '%ED%A0%80']) {
    out.push(request(`query.${extra}: undeclared`, urlOf(op, pathValues, [[extra, '1'], [`${extra}[polluted]`, '1']]), baselinePayload));
  }
  if (op.body) {
    for (const path of fieldPaths(op.body, baseline, options.maxBodyFields, seed)) {
      const declared = path.length === 1 ? (op.body['properties'] as Record<string, Schema> | undefined)?.[path[0]!] : undefined;
      const values = [...hostileJsonValues, ...boundaryValues(declared), ...randomJson(seed ^ hashOf(path.join('.')), options.randomPerField)];
      for (const value of values) out.push(request(`body.${path.join('.')}: ${show(value)}`, urlOf(op, pathValues, []), { payload: json(withValue(baseline, path, value)) }));
      // An own `__proto__` key inside the field (a free-form object's key), as JSON text.
      const marker = '"__fuzz_marker__"';
      const text = json(withValue(baseline, path, '__fuzz_marker__')).replace(marker, protoTexts[0]!);
      out.push(request(`body.${path.join('.')}: __proto__ object`, urlOf(op, pathValues, []), { payload: text }));
    }
    for (const body of hostileBodies) out.push(request(`body: ${body.label}`, urlOf(op, pathValues, []), body));
  }
  // The baseline goes first: later requests may change or delete what it reads.
  return [request('baseline', urlOf(op, pathValues, []), baselinePayload), ...out];
}
